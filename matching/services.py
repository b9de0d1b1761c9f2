"""Writes for matching: saving questionnaire answers (signed in or not) and claiming them at sign-up,
requests to our team and their answers."""

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from peersnet.errors import DomainError
from seekers.models import SeekerProfile
from seekers.services import seeker_profile_create
from supporters.models import SupporterConflict, SupporterProfile
from supporters.selectors import supporter_ids_hidden_from

from . import emails
from .models import MatchAnswers, TeamRequest, TeamSuggestion
from .policy import team_request_due
from .selectors import suggestions_for_answers

#: Signed-out answers nobody claimed by signing up are deleted after this long.
UNCLAIMED_ANSWERS_KEPT = dt.timedelta(days=2)
MAX_TEAM_SUGGESTIONS = 3
CLAIM_KIND = "matching-answers"
#: The answers that wait in the session between screens (the free text never does).
DRAFT_FIELDS = ("topics", "experience", "identities", "identity_prefer_not", "languages", "days", "times")


class MatchingError(DomainError):
    pass


def claim_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _fill(answers: MatchAnswers, values: dict) -> None:
    for name in ("topics", "experience", "identities", "languages", "days", "times"):
        setattr(answers, name, list(values.get(name) or []))
    answers.identity_prefer_not = bool(values.get("identity_prefer_not"))
    if answers.identity_prefer_not:
        answers.identities = []
    answers.time_zone = values.get("time_zone") or answers.time_zone
    answers.anything_else = (values.get("anything_else") or "").strip()[:2000]


@transaction.atomic
def answers_save(
    *, values: dict, user: User | None, now: dt.datetime | None = None
) -> tuple[MatchAnswers, str]:
    """Save a finished questionnaire and the suggestions it leads to, replacing any earlier answers.

    For a signed-in seeker the row is theirs (locked and replaced). For a signed-out visitor (``user``
    None or anonymous) a new row gets a claim token, returned for their session (only its hash is
    stored); unclaimed visitor rows older than two days are deleted on the way. Returns the row and the
    token ("" for a seeker)."""
    now = now or timezone.now()
    signed_in = user is not None and user.is_authenticated
    token = ""
    if signed_in:
        seeker = seeker_profile_create(user=user)
        answers = MatchAnswers.objects.select_for_update().filter(seeker=seeker).first()
        answers = answers or MatchAnswers(seeker=seeker)
    else:
        MatchAnswers.objects.filter(
            seeker__isnull=True, answered_at__lt=now - UNCLAIMED_ANSWERS_KEPT
        ).delete()
        token = secrets.token_urlsafe(32)
        answers = MatchAnswers(claim_hash=claim_hash(token))
    _fill(answers, values)
    answers.answered_at = now
    answers.suggestions = [
        s.as_json()
        for s in suggestions_for_answers(
            answers, exclude_ids=supporter_ids_hidden_from(user=user) if signed_in else (), now=now
        )
    ]
    answers.full_clean(exclude=["seeker", "claim_hash"])
    answers.save()
    return answers, token


@transaction.atomic
def answers_claim(*, user_id: int, token: str) -> MatchAnswers | None:
    """A visitor who answered signed out has just signed up: their answers become their seeker's (any
    earlier ones are replaced). Runs inside the sign-up transaction (UserSignedUp). A token that matches
    nothing (already claimed, or cleaned up) does nothing."""
    row = (
        MatchAnswers.objects.select_for_update()
        .filter(seeker__isnull=True, claim_hash=claim_hash(token))
        .first()
    )
    if row is None:
        return None
    seeker = seeker_profile_create(user=User.objects.get(pk=user_id))
    MatchAnswers.objects.filter(seeker=seeker).delete()
    row.seeker = seeker
    row.claim_hash = ""
    row.save(update_fields=["seeker", "claim_hash"])
    return row


# --- Ask our team ------------------------------------------------------------------------------


@transaction.atomic
def team_request_create(*, seeker: SeekerProfile, note: str, now: dt.datetime | None = None) -> TeamRequest:
    """The seeker asks our team to suggest someone. One open request at a time (a second one while the
    first waits is refused). Due one business day later (``policy.team_request_due``)."""
    now = now or timezone.now()
    if TeamRequest.objects.filter(seeker=seeker, status=TeamRequest.Status.OPEN).exists():
        raise MatchingError(
            _("Our team already has your request and will answer it soon."), code="already_open"
        )
    return TeamRequest.objects.create(
        seeker=seeker, note=note.strip()[:2000], created_at=now, due_at=team_request_due(now)
    )


def team_request_check_picks(*, team_request: TeamRequest, picks: list[tuple[int, str]]) -> None:
    """Raise MatchingError unless ``picks`` are one to three different supporters, each listed and in no
    conflict of interest with the seeker. Two queries."""
    supporter_ids = [pk for pk, _note in picks]
    if not 1 <= len(picks) <= MAX_TEAM_SUGGESTIONS:
        raise MatchingError(_("Suggest one to three supporters."), code="count")
    if len(set(supporter_ids)) != len(supporter_ids):
        raise MatchingError(_("Suggest each supporter only once."), code="duplicate")
    listed = set(SupporterProfile.objects.listed().filter(pk__in=supporter_ids).values_list("pk", flat=True))
    if listed != set(supporter_ids):
        raise MatchingError(_("Suggest only supporters who are taking bookings now."), code="not_listed")
    if SupporterConflict.objects.filter(
        seeker_user_id=team_request.seeker.user_id, supporter_id__in=supporter_ids
    ).exists():
        raise MatchingError(
            _("One of these supporters can't be matched with this seeker (a conflict of interest)."),
            code="conflict",
        )


@transaction.atomic
def team_request_answer(
    *, request_id: int, by: User, picks: list[tuple[int, str]], now: dt.datetime | None = None
) -> TeamRequest:
    """Staff answer a request with one to three supporters, each with a note for the seeker. Each must be
    listed and not in a conflict of interest with the seeker. Locks the request; an answered one is
    refused. Queues the seeker's email (no health details) after commit, through the outbox."""
    now = now or timezone.now()
    team_request = TeamRequest.objects.select_for_update().select_related("seeker__user").get(pk=request_id)
    if team_request.status != TeamRequest.Status.OPEN:
        raise MatchingError(_("This request has already been answered."), code="answered")
    team_request_check_picks(team_request=team_request, picks=picks)
    TeamSuggestion.objects.bulk_create(
        TeamSuggestion(request=team_request, supporter_id=pk, note=note.strip()[:500], position=i)
        for i, (pk, note) in enumerate(picks)
    )
    team_request.status = TeamRequest.Status.ANSWERED
    team_request.answered_at = now
    team_request.answered_by = by
    team_request.save(update_fields=["status", "answered_at", "answered_by"])
    emails.email_team_answered(team_request)
    return team_request
