"""Crisis flags: opened when a seeker's message or intake answers match the crisis phrase list,
acknowledged and closed by a supervisor, escalated by email to every supervisor when the deadline passes
unacknowledged."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from messaging import services as messaging_services
from messaging.models import Message
from peersnet.errors import DomainError
from peersnet.kernel.crisis_language import Match, find
from seekers.models import Intake

from .. import clock, emails, selectors
from ..models import CrisisFlag

REASON_MAX = 2000


class FlagError(DomainError):
    pass


def _words(matches: list[Match]) -> list[str]:
    return [f"{m.theme}: {m.phrase}" for m in matches]


def _merge(existing: str, new: list[str]) -> str:
    lines = [line for line in (existing or "").splitlines() if line]
    lines += [line for line in new if line not in lines]
    return "\n".join(lines)


def _attach(flag: CrisisFlag, words: list[str], now: dt.datetime) -> CrisisFlag:
    """A further match on an open flag: its words join the flag's, the count goes up; no new flag."""
    flag.matched_words = _merge(flag.matched_words, words)
    flag.match_count += 1
    flag.last_matched_at = now
    flag.save(update_fields=["matched_words", "match_count", "last_matched_at"])
    return flag


def _open(*, lookup: dict, create: dict, words: list[str], now: dt.datetime) -> tuple[CrisisFlag, bool]:
    """The open flag found by ``lookup`` (locked), with these words attached, or a new one. A concurrent
    opener that wins the partial unique index makes this one attach instead."""
    flag = CrisisFlag.objects.select_for_update().filter(closed_at__isnull=True, **lookup).first()
    if flag is not None:
        return _attach(flag, words, now), False
    try:
        with transaction.atomic():
            flag = CrisisFlag.objects.create(
                **lookup,
                **create,
                matched_words=_merge("", words),
                opened_at=now,
                last_matched_at=now,
                due_at=clock.flag_due_at(now),
            )
        selectors.queue_open_total_forget()
        return flag, True
    except IntegrityError:  # another request opened it a moment ago
        flag = CrisisFlag.objects.select_for_update().get(closed_at__isnull=True, **lookup)
        return _attach(flag, words, now), False


@transaction.atomic
def flag_open_for_message(*, message_id: int, now: dt.datetime | None = None) -> CrisisFlag | None:
    """A seeker's message matched: open the conversation's crisis flag (due in SAFETY_FLAG_ACK_HOURS
    operating hours) and mark the conversation for its supporter, or attach to the flag already open.
    None when the message doesn't match after all. Expects the conversation row locked by the caller
    (message_send), which serialises two matches in one conversation."""
    message = (
        Message.objects.select_related("conversation")
        .filter(pk=message_id)
        .only("body", "side", "conversation__seeker_id", "conversation_id")
    ).first()
    if message is None or message.side != "seeker":
        return None
    matches = find(message.body)
    if not matches:
        return None
    now = now or timezone.now()
    flag, created = _open(
        lookup={"conversation_id": message.conversation_id},
        create={
            "source": CrisisFlag.Source.MESSAGE,
            "seeker_id": message.conversation.seeker_id,
            "message_id": message.pk,
        },
        words=_words(matches),
        now=now,
    )
    if created:
        messaging_services.conversation_safety_flag_set(
            conversation_id=message.conversation_id, open_since=now
        )
    return flag


@transaction.atomic
def flag_open_for_intake(*, intake_id: int, now: dt.datetime | None = None) -> CrisisFlag | None:
    """A seeker's intake answers matched: open a crisis flag for their intake, or attach to the one
    already open. None when nothing matches after all."""
    intake = Intake.objects.filter(pk=intake_id).first()
    if intake is None:
        return None
    matches = [m for field in Intake.FREE_TEXT_FIELDS for m in find(getattr(intake, field) or "")]
    if not matches:
        return None
    flag, _created = _open(
        lookup={"seeker_id": intake.seeker_id, "source": CrisisFlag.Source.INTAKE},
        create={},
        words=_words(matches),
        now=now or timezone.now(),
    )
    return flag


@transaction.atomic
def flag_acknowledge(*, flag_id: int, by: User, now: dt.datetime | None = None) -> CrisisFlag:
    """A supervisor takes the flag: the SLA clock stops and they are its assignee. Safe to repeat (the
    first acknowledgement stands). Locks the flag row."""
    flag = CrisisFlag.objects.select_for_update().get(pk=flag_id)
    if flag.closed_at is not None:
        raise FlagError(_("This flag is already closed."), code="closed")
    if flag.acknowledged_at is None:
        flag.acknowledged_at = now or timezone.now()
        flag.acknowledged_by = by
        flag.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return flag


@transaction.atomic
def flag_close(
    *, flag_id: int, by: User, outcome: str, reason: str = "", now: dt.datetime | None = None
) -> CrisisFlag:
    """A supervisor records what was done and closes the flag (acknowledging it too if nobody had). "No
    action" needs a reason. Clears the conversation's mark, so the supporter's note goes away. Safe to
    repeat: a closed flag is returned unchanged. Locks the flag row."""
    reason = (reason or "").strip()
    if outcome not in CrisisFlag.Outcome.values:
        raise FlagError(_("Please choose what was done."), code="outcome")
    if outcome == CrisisFlag.Outcome.NO_ACTION and not reason:
        raise FlagError(_("Please say why no action is needed."), code="reason")
    if len(reason) > REASON_MAX:
        raise FlagError(_("Please keep the note under 2,000 characters."), code="too_long")
    flag = CrisisFlag.objects.select_for_update().get(pk=flag_id)
    if flag.closed_at is not None:
        return flag
    now = now or timezone.now()
    if flag.acknowledged_at is None:
        flag.acknowledged_at, flag.acknowledged_by = now, by
    flag.closed_at, flag.closed_by, flag.outcome, flag.outcome_reason = now, by, outcome, reason
    flag.save(
        update_fields=[
            "acknowledged_at",
            "acknowledged_by",
            "closed_at",
            "closed_by",
            "outcome",
            "outcome_reason",
        ]
    )
    if flag.conversation_id:
        messaging_services.conversation_safety_flag_set(conversation_id=flag.conversation_id, open_since=None)
    selectors.queue_open_total_forget()
    return flag


def flags_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Every open flag past its deadline and not acknowledged: email every supervisor, once per flag.

    Each flag is claimed by one conditional UPDATE (``escalated_at`` still empty) in its own transaction,
    and its emails are queued in that transaction: two sweeps at once (two beats, a rerun) escalate each
    flag once, because the second UPDATE waits for the first one's row lock and then finds
    ``escalated_at`` set. The outbox keys (flag and supervisor) are a second guard. Returns how many flags
    were escalated."""
    now = now or timezone.now()
    due = CrisisFlag.objects.filter(
        due_at__lte=now, acknowledged_at__isnull=True, closed_at__isnull=True, escalated_at__isnull=True
    )
    escalated = 0
    for flag_id in list(due.order_by("due_at").values_list("pk", flat=True)[:200]):
        with transaction.atomic():
            if not due.filter(pk=flag_id).update(escalated_at=now):
                continue
            emails.email_flag_overdue(flag_id=flag_id)
            escalated += 1
    return escalated
