"""Named reads of safety: the open crisis flags, one flag for a supervisor, and the supervisor queue's
sections (crisis flags; overdue message replies and reported messages from messaging's selectors). Each
section provider runs a fixed number of queries whatever the number of items."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse

from messaging import selectors as messaging_selectors
from seekers.models import Intake

from . import queue
from .models import CrisisFlag
from .queue import QueueItem

QUEUE_OPEN_KEY = "safety:queue-open-total"
QUEUE_OPEN_SECONDS = 30  # as often as the queue page refreshes itself


def queue_open_total(now: dt.datetime) -> int:
    """How many items wait in the supervisor queue, across every section, for the staff header: kept in
    the cache (shared by every process) for QUEUE_OPEN_SECONDS, so a supervisor's pages mostly cost no
    query for it. A flag opened or closed forgets it at once; other sections show within the period."""
    total = cache.get(QUEUE_OPEN_KEY)
    if total is None:
        total = sum(queue.counts(now).values())
        cache.set(QUEUE_OPEN_KEY, total, QUEUE_OPEN_SECONDS)
    return total


def queue_open_total_forget() -> None:
    """The header's count is worked out afresh: now, and again after this transaction commits (a page
    rendered meanwhile may have cached the count from before)."""
    cache.delete(QUEUE_OPEN_KEY)
    transaction.on_commit(lambda: cache.delete(QUEUE_OPEN_KEY))


def flag_list_open() -> QuerySet[CrisisFlag]:
    """Open crisis flags, the nearest deadline first, with who took each one."""
    return (
        CrisisFlag.objects.filter(closed_at__isnull=True)
        .select_related("acknowledged_by")
        .order_by("due_at", "pk")
    )


def flag_get(*, flag_id: int) -> CrisisFlag | None:
    """One flag (open or closed) with everything its page shows."""
    return (
        CrisisFlag.objects.select_related(
            "seeker__user", "conversation__supporter", "acknowledged_by", "closed_by"
        )
        .filter(pk=flag_id)
        .first()
    )


def intake_id_of(*, flag: CrisisFlag) -> int | None:
    """The intake a flag from intake answers came from (its admin page shows them), else None."""
    if flag.source != CrisisFlag.Source.INTAKE:
        return None
    return Intake.objects.filter(seeker_id=flag.seeker_id).values_list("pk", flat=True).first()


def _name(user) -> str:
    return user.get_full_name() if user is not None else ""


def crisis_flag_items(now: dt.datetime) -> list[QueueItem]:
    """The queue's "Crisis flags": open flags, one query. Acknowledged flags have no clock left."""
    items = []
    for flag in flag_list_open():
        acknowledged = flag.acknowledged_at is not None
        where = "a conversation" if flag.source == CrisisFlag.Source.MESSAGE else "intake answers"
        items.append(
            QueueItem(
                kind="crisis_flag",
                title=f"Crisis flag {flag.pk}: crisis language in {where}",
                opened_at=flag.opened_at,
                due_at=None if acknowledged else flag.due_at,
                url=reverse("safety:flag", args=[flag.pk]),
                action_label="Close with an outcome" if acknowledged else "Acknowledge",
                assignee_name=_name(flag.acknowledged_by),
            )
        )
    return items


def overdue_reply_items(now: dt.datetime) -> list[QueueItem]:
    """The queue's "Overdue message replies": conversations past their reply-by time (two queries)."""
    return [
        QueueItem(
            kind="overdue_reply",
            title=f"Reply overdue in conversation {row.conversation.pk}",
            opened_at=row.conversation.awaiting_since,
            due_at=row.reply_by,
            url=reverse("messaging:supervisor_thread", args=[row.conversation.pk]),
            action_label="Read and follow up",
        )
        for row in messaging_selectors.conversation_list_overdue(now=now)
    ]


def reported_message_items(now: dt.datetime) -> list[QueueItem]:
    """The queue's "Reported messages": reports not marked handled (one query). Reports have no deadline."""
    return [
        QueueItem(
            kind="reported_message",
            title=f"Message reported in conversation {report.message.conversation_id}",
            opened_at=report.created_at,
            due_at=None,
            url=reverse("messaging:supervisor_thread", args=[report.message.conversation_id]),
            action_label="Read the report",
        )
        for report in messaging_selectors.report_list_open()
    ]
