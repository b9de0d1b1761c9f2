"""Named reads of messaging: a person's conversations, a thread's page of messages, the header count,
the supporter's waiting list and the supervisors' list."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from seekers.models import SeekerProfile
from supporters.models import LeaveOfAbsence, SupporterProfile

from .models import Conversation, Message, MessageReport
from .policy import reply_deadline


def conversation_list_for_participant(*, user: User) -> QuerySet[Conversation]:
    """The conversations ``user`` is one of the two people in (none for anyone else)."""
    if not user.is_authenticated:
        return Conversation.objects.none()
    return Conversation.objects.filter(Q(seeker__user=user) | Q(supporter__user=user)).select_related(
        "seeker__user", "supporter__user"
    )


def unread_total(*, user: User) -> int:
    """How many messages ``user`` hasn't opened, across their conversations: one small query on the
    denormalised counters (none for someone who is neither a seeker nor a supporter)."""
    if not user.is_authenticated:
        return 0
    total = 0
    for side in ("seeker", "supporter"):
        try:
            profile = getattr(user, side)  # already loaded by the header's own check
        except (SeekerProfile.DoesNotExist, SupporterProfile.DoesNotExist):
            continue
        total += Conversation.objects.filter(**{side: profile}).aggregate(n=Sum(f"{side}_unread"))["n"] or 0
    return total


def message_page(*, conversation: Conversation, before: int | None = None) -> tuple[list[Message], bool]:
    """The latest MESSAGING_PAGE_SIZE messages (or those before message ``before``), oldest first, and
    whether there are earlier ones. One query."""
    size = settings.MESSAGING_PAGE_SIZE
    qs = Message.objects.filter(conversation=conversation)
    if before:
        qs = qs.filter(pk__lt=before)
    newest_first = list(qs.order_by("-pk")[: size + 1])
    return list(reversed(newest_first[:size])), len(newest_first) > size


def message_list_after(*, conversation: Conversation, after: int) -> list[Message]:
    """Messages newer than ``after`` (what a polling thread hasn't shown yet), oldest first."""
    return list(Message.objects.filter(conversation=conversation, pk__gt=after).order_by("pk")[:200])


def current_leave(*, supporter: SupporterProfile, now: dt.datetime | None = None) -> LeaveOfAbsence | None:
    """The supporter's leave running now, if any."""
    now = now or timezone.now()
    return (
        LeaveOfAbsence.objects.filter(supporter=supporter, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("starts_at")
        .first()
    )


def conversation_reply_by(conversation: Conversation, leaves=None) -> dt.datetime | None:
    """When the supporter should reply, or None (nothing waiting, or a leave without an end running)."""
    if conversation.awaiting_since is None:
        return None
    if leaves is None:
        leaves = LeaveOfAbsence.objects.filter(supporter_id=conversation.supporter_id)
    return reply_deadline(
        since=conversation.awaiting_since,
        allowed=settings.MESSAGE_REPLY_TARGET,
        pauses=[(leave.starts_at, leave.ends_at) for leave in leaves],
    )


@dataclass
class Waiting:
    conversation: Conversation
    reply_by: dt.datetime | None  # None: paused by an open-ended leave

    @property
    def overdue(self) -> bool:
        return self.reply_by is not None and self.reply_by <= timezone.now()


def conversation_list_waiting(*, supporter: SupporterProfile) -> list[Waiting]:
    """Conversations waiting for the supporter's reply, oldest first, each with its reply-by time. Two
    queries whatever their number."""
    conversations = list(
        Conversation.objects.filter(supporter=supporter, awaiting_since__isnull=False, paused_at__isnull=True)
        .select_related("seeker__user")
        .order_by("awaiting_since")
    )
    leaves = list(LeaveOfAbsence.objects.filter(supporter=supporter)) if conversations else []
    return [Waiting(c, conversation_reply_by(c, leaves)) for c in conversations]


def conversation_list_overdue(*, now: dt.datetime | None = None) -> list[Waiting]:
    """Every conversation past its reply-by time (the clock paused during leave), oldest first.
    Two queries."""
    now = now or timezone.now()
    candidates = (
        Conversation.objects.filter(
            awaiting_since__isnull=False,
            awaiting_since__lte=now - settings.MESSAGE_REPLY_TARGET,
            paused_at__isnull=True,
        )
        .select_related("seeker__user", "supporter__user")
        .prefetch_related("supporter__leaves")
        .order_by("awaiting_since")
    )
    result = []
    for conversation in candidates:
        reply_by = conversation_reply_by(conversation, conversation.supporter.leaves.all())
        if reply_by is not None and reply_by <= now:
            result.append(Waiting(conversation, reply_by))
    return result


def report_list_open() -> list[MessageReport]:
    """Reports staff haven't marked handled, oldest first."""
    return list(
        MessageReport.objects.filter(handled_at__isnull=True)
        .select_related("message__conversation__seeker__user", "message__conversation__supporter")
        .order_by("created_at")
    )


def report_list_for(*, conversation: Conversation) -> list[MessageReport]:
    return list(
        MessageReport.objects.filter(message__conversation=conversation)
        .select_related("reporter")
        .order_by("created_at")
    )


def conversation_list_paused() -> list[Conversation]:
    return list(
        Conversation.objects.filter(paused_at__isnull=False)
        .select_related("seeker__user", "supporter")
        .order_by("-paused_at")
    )


def supervisor_may_read(*, conversation: Conversation, now: dt.datetime | None = None) -> bool:
    """A supervisor reads a conversation only while handling it: an open crisis flag, an open report on one
    of its messages, a pause, or an overdue reply."""
    if conversation.safety_flag_open_at is not None:
        return True
    if MessageReport.objects.filter(message__conversation=conversation, handled_at__isnull=True).exists():
        return True
    if conversation.paused_at is not None:
        return True
    reply_by = conversation_reply_by(conversation)
    return reply_by is not None and reply_by <= (now or timezone.now())
