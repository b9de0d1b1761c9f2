"""What safety's crisis flags hold about a seeker, for their export and their account's deletion
(privacy.registry; registered in SafetyConfig.ready()).

Deletion erases the matched phrases (they came from the person's own words). The flag itself stays, with
what the supervisor did: it is the record of how the service responded."""

from __future__ import annotations

import datetime as dt

from privacy.registry import iso

from .models import CrisisFlag


def export_for_user(user) -> list[dict]:
    return [
        {
            "source": flag.source,
            "opened_at": iso(flag.opened_at),
            "matched_phrases": flag.matched_words.splitlines(),
            "closed_at": iso(flag.closed_at),
            "outcome": flag.outcome,
        }
        for flag in CrisisFlag.objects.filter(seeker__user=user).order_by("opened_at")
    ]


def erase(user, *, now: dt.datetime) -> None:
    CrisisFlag.objects.filter(seeker__user=user).update(matched_words="")
