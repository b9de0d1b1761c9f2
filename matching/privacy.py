"""What matching holds about a person, for their export and their account's deletion (privacy.registry;
registered in MatchingConfig.ready()). Deletion removes their questionnaire answers, their requests to
our team (with the team's suggestions) and the "I know this person" pairs that name them."""

from __future__ import annotations

import datetime as dt

from privacy.registry import iso
from supporters.models import SupporterConflict

from .models import MatchAnswers, TeamRequest


def export(user) -> dict:
    answers = MatchAnswers.objects.filter(seeker__user=user).first()
    requests = (
        TeamRequest.objects.filter(seeker__user=user)
        .prefetch_related("suggestions__supporter")
        .order_by("created_at")
    )
    hidden = SupporterConflict.objects.filter(
        seeker_user=user, raised_by=SupporterConflict.RaisedBy.SEEKER
    ).select_related("supporter")
    result = {}
    if answers is not None:
        result["questionnaire"] = {
            "topics": answers.topics,
            "lived_experience": answers.experience,
            "identities": answers.identities,
            "identity_prefer_not_to_say": answers.identity_prefer_not,
            "languages": answers.languages,
            "days": answers.days,
            "times": answers.times,
            "time_zone": answers.time_zone,
            "anything_else": answers.anything_else,
            "answered_at": iso(answers.answered_at),
        }
    if requests:
        result["requests_to_our_team"] = [
            {
                "note": request.note,
                "status": request.status,
                "asked_at": iso(request.created_at),
                "answered_at": iso(request.answered_at),
                "suggestions": [
                    {"supporter": s.supporter.display_name, "note": s.note} for s in request.suggestions.all()
                ],
            }
            for request in requests
        ]
    if hidden:
        result["supporters_you_hid"] = [conflict.supporter.display_name for conflict in hidden]
    return result


def erase(user, *, now: dt.datetime) -> None:
    MatchAnswers.objects.filter(seeker__user=user).delete()
    TeamRequest.objects.filter(seeker__user=user).delete()
    SupporterConflict.objects.filter(seeker_user=user).delete()
