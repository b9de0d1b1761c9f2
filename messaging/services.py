"""Every write of messaging: opening a conversation, sending, reading, reporting, pausing, the email
choice, and the periodic sweep (unread emails, reply-by nudges)."""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Subquery
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.timezones import format_when
from bookings.models import Booking
from notifications.services import Email, notification_queue
from peersnet.errors import DomainError
from peersnet.kernel import events
from peersnet.kernel.crisis_language import contains_crisis_language
from peersnet.kernel.ratelimit import RateLimit

from .events import MessageSent
from .models import Conversation, Message, MessageReport, MessagingPreference, Side
from .policy import open_until, reply_deadline

logger = logging.getLogger(__name__)


class MessagingError(DomainError):
    pass


class RateLimited(MessagingError):
    pass


def send_limit() -> RateLimit:
    return RateLimit(
        scope="message-send", limit=settings.MESSAGING_SEND_LIMIT, period=settings.MESSAGING_SEND_PERIOD
    )


# --- Opening ---------------------------------------------------------------------------------------


def conversation_open(*, seeker_id: int, supporter_id: int, until: dt.datetime) -> Conversation:
    """The pair's conversation, made if needed; ``last_session_end`` moves on to ``until`` if later.
    Call inside the transaction that made or changed the booking."""
    try:
        with transaction.atomic():
            conversation, created = Conversation.objects.get_or_create(
                seeker_id=seeker_id, supporter_id=supporter_id, defaults={"last_session_end": until}
            )
    except IntegrityError:  # made by a concurrent request for the same pair
        conversation, created = (
            Conversation.objects.get(seeker_id=seeker_id, supporter_id=supporter_id),
            False,
        )
    if not created:
        Conversation.objects.filter(pk=conversation.pk, last_session_end__lt=until).update(
            last_session_end=until
        )
    return conversation


def conversation_extend(*, booking_id: int) -> bool:
    """Move the conversation of this booking's pair on to the booking's end, if later: one UPDATE (the
    booking's people and end read in it). False when the pair has no conversation yet (the caller opens
    one). Call inside the transaction that changed the booking."""
    booking = Booking.objects.filter(pk=booking_id)
    return bool(
        Conversation.objects.filter(
            seeker_id=Subquery(booking.values("seeker_id")[:1]),
            supporter_id=Subquery(booking.values("supporter_id")[:1]),
        ).update(last_session_end=Greatest("last_session_end", Subquery(booking.values("end")[:1])))
    )


def conversation_is_open(conversation: Conversation, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return now < open_until(
        last_session_end=conversation.last_session_end, open_for=settings.MESSAGING_OPEN_FOR
    )


# --- Sending and reading -------------------------------------------------------------------------


@transaction.atomic
def message_send(*, conversation_id: int, sender: User, body: str, now: dt.datetime | None = None) -> Message:
    """Send ``body`` from ``sender`` (one of the two people) in the conversation.

    Checks the text (not empty, at most MESSAGING_MAX_LENGTH characters), the sender's rate limit, and that
    the conversation is open and not paused. Locks the conversation row, so two sends at once (from either
    side) get ids in lock order and the counters stay exact. A seeker's message starts the reply-by clock
    if it isn't running; a supporter's stops it. Announces MessageSent (with whether a seeker's text has
    crisis language) in this transaction, with the conversation locked."""
    body = (body or "").strip()
    if not body:
        raise MessagingError(_("Please write a message first."), code="empty")
    if len(body) > settings.MESSAGING_MAX_LENGTH:
        raise MessagingError(
            _("Messages can be up to %(max)s characters; this one has %(n)s.")
            % {"max": f"{settings.MESSAGING_MAX_LENGTH:,}", "n": f"{len(body):,}"},
            code="too_long",
        )
    conversation = (
        Conversation.objects.select_for_update()
        .select_related("seeker__user", "supporter__user")
        .filter(pk=conversation_id)
        .first()
    )
    side = conversation.side_of(sender) if conversation else None
    if side is None:
        raise MessagingError(_("We couldn't find that conversation."), code="not_found")
    # Read the clock once the lock is ours, and never before the last message: ids and times agree.
    now = now or timezone.now()
    if conversation.last_message_at and now < conversation.last_message_at:
        now = conversation.last_message_at
    if conversation.paused_at is not None:
        raise MessagingError(_("This conversation is paused, so no new messages can be sent."), code="paused")
    if not conversation_is_open(conversation, now=now):
        raise MessagingError(
            _("This conversation is closed. Book another session to keep talking."), code="closed"
        )
    if send_limit().hit(str(sender.pk)):
        raise RateLimited(
            _("You've sent a lot of messages in a short time. Please wait a few minutes and try again."),
            code="rate_limited",
        )
    message = Message.objects.create(
        conversation=conversation, sender=sender, side=side, body=body, sent_at=now
    )
    fields = ["last_message_at"]
    conversation.last_message_at = now
    if side == Side.SEEKER:
        conversation.supporter_unread = F("supporter_unread") + 1
        fields.append("supporter_unread")
        if conversation.supporter_unread_from_id is None:
            conversation.supporter_unread_from = message
            conversation.supporter_unread_emailed = False
            fields += ["supporter_unread_from", "supporter_unread_emailed"]
        if conversation.awaiting_since is None:
            conversation.awaiting_since = now
            fields.append("awaiting_since")
    else:
        conversation.seeker_unread = F("seeker_unread") + 1
        fields.append("seeker_unread")
        if conversation.seeker_unread_from_id is None:
            conversation.seeker_unread_from = message
            conversation.seeker_unread_emailed = False
            fields += ["seeker_unread_from", "seeker_unread_emailed"]
        if conversation.awaiting_since is not None:
            conversation.awaiting_since = None
            fields.append("awaiting_since")
    conversation.save(update_fields=fields)
    events.announce(
        MessageSent(
            message_id=message.pk,
            conversation_id=conversation.pk,
            sender_user_id=sender.pk,
            crisis_language=message_has_crisis_language(message),
        )
    )
    return message


def message_has_crisis_language(message: Message) -> bool:
    """A seeker's message that matches the crisis phrase list (a supporter's is never checked)."""
    return message.side == Side.SEEKER and contains_crisis_language(message.body)


def conversation_safety_flag_set(*, conversation_id: int, open_since: dt.datetime | None) -> None:
    """Mark the conversation as having an open crisis flag since ``open_since``, or clear the mark (None).
    Called by safety (which messaging can't import) inside its own transaction; one UPDATE."""
    Conversation.objects.filter(pk=conversation_id).update(safety_flag_open_at=open_since)


@transaction.atomic
def conversation_mark_read(*, conversation_id: int, reader: User, upto_id: int) -> None:
    """``reader`` has seen every message up to ``upto_id``: their unread count becomes what came after it
    (a message that arrived meanwhile stays unread). Locks the conversation row."""
    conversation = (
        Conversation.objects.select_for_update()
        .select_related("seeker", "supporter")
        .filter(pk=conversation_id)
        .first()
    )
    side = conversation.side_of(reader) if conversation else None
    if side is None:
        return
    other = Side.SUPPORTER if side == Side.SEEKER else Side.SEEKER
    later = list(
        Message.objects.filter(conversation=conversation, side=other, pk__gt=upto_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if side == Side.SEEKER:
        conversation.seeker_unread = len(later)
        conversation.seeker_unread_from_id = later[0] if later else None
        fields = ["seeker_unread", "seeker_unread_from"]
    else:
        conversation.supporter_unread = len(later)
        conversation.supporter_unread_from_id = later[0] if later else None
        fields = ["supporter_unread", "supporter_unread_from"]
    conversation.save(update_fields=fields)


# --- Reports, pauses, the email choice ------------------------------------------------------------


@transaction.atomic
def message_report(
    *, message_id: int, reporter: User, reason: str, now: dt.datetime | None = None
) -> MessageReport:
    """Either person in the conversation tells staff about a message; it goes to the supervisors' list."""
    reason = (reason or "").strip()
    if not reason:
        raise MessagingError(_("Please tell us briefly what is wrong."), code="empty")
    if len(reason) > 1000:
        raise MessagingError(_("Please keep the reason under 1,000 characters."), code="too_long")
    message = (
        Message.objects.select_related("conversation__seeker", "conversation__supporter")
        .filter(pk=message_id)
        .first()
    )
    if message is None or message.conversation.side_of(reporter) is None:
        raise MessagingError(_("We couldn't find that message."), code="not_found")
    return MessageReport.objects.create(
        message=message, reporter=reporter, reason=reason, created_at=now or timezone.now()
    )


@transaction.atomic
def conversation_pause(
    *, conversation_id: int, supporter_user: User, reason: str, now: dt.datetime | None = None
) -> Conversation:
    """The supporter stops a conversation with a seeker who broke the boundaries; staff see the reason.
    No one can send in it after that (staff can lift the pause in the admin). Safe to repeat."""
    reason = (reason or "").strip()
    if not reason:
        raise MessagingError(_("Please give staff a short reason."), code="empty")
    if len(reason) > 1000:
        raise MessagingError(_("Please keep the reason under 1,000 characters."), code="too_long")
    conversation = (
        Conversation.objects.select_for_update()
        .filter(pk=conversation_id, supporter__user=supporter_user)
        .first()
    )
    if conversation is None:
        raise MessagingError(_("We couldn't find that conversation."), code="not_found")
    if conversation.paused_at is None:
        conversation.paused_at = now or timezone.now()
        conversation.paused_reason = reason
        conversation.save(update_fields=["paused_at", "paused_reason"])
    return conversation


def messaging_preference_set(*, user: User, message_emails: bool) -> MessagingPreference:
    """Turn new-message emails on or off for ``user`` (reply-by nudges to supporters stay on)."""
    preference, _created = MessagingPreference.objects.update_or_create(
        user=user, defaults={"message_emails": message_emails}
    )
    return preference


def wants_message_emails(user_id: int) -> bool:
    return not MessagingPreference.objects.filter(user_id=user_id, message_emails=False).exists()


# --- The sweep -------------------------------------------------------------------------------------


def _url(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def unread_emails_send(*, now: dt.datetime | None = None) -> int:
    """One email per unread batch: to each person with a message still unread MESSAGING_UNREAD_EMAIL_AFTER
    after it was sent, unless they turned message emails off. Never the text; the subject says nothing
    about what it is about. Each conversation row is locked (skipping rows another sweep holds) and the
    outbox key names the batch's first message, so two sweeps at once queue one email."""
    now = now or timezone.now()
    cutoff = now - settings.MESSAGING_UNREAD_EMAIL_AFTER
    queued = 0
    for side in (Side.SEEKER, Side.SUPPORTER):
        ids = list(
            Conversation.objects.filter(
                **{f"{side}_unread_from__sent_at__lte": cutoff, f"{side}_unread_emailed": False}
            ).values_list("pk", flat=True)[:500]
        )
        for pk in ids:
            with transaction.atomic():
                conversation = (
                    Conversation.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("seeker__user", "supporter__user")
                    .filter(pk=pk, **{f"{side}_unread_from__isnull": False, f"{side}_unread_emailed": False})
                    .first()
                )
                if conversation is None:
                    continue
                batch = getattr(conversation, f"{side}_unread_from_id")
                if side == Side.SEEKER:
                    to, sender_name = conversation.seeker.user, conversation.supporter.display_name
                else:
                    to, sender_name = conversation.supporter.user, conversation.seeker.user.get_short_name()
                if wants_message_emails(to.pk):
                    _email_unread(
                        conversation=conversation, to=to, sender_name=sender_name, batch=batch, side=side
                    )
                    queued += 1
                setattr(conversation, f"{side}_unread_emailed", True)
                conversation.save(update_fields=[f"{side}_unread_emailed"])
    return queued


def _email_unread(*, conversation: Conversation, to: User, sender_name: str, batch: int, side: str) -> None:
    subject = "You have a new message on peersnet"
    notification_queue(
        Email(
            key=f"message-unread-{conversation.pk}-{side}-{batch}",
            to=to.email,
            subject=subject,
            template="email/notice",
            context={
                "subject": subject,
                "name": to.get_short_name(),
                "lines": [f"You have a new message from {sender_name} on peersnet."],
                "action_label": "Read it on peersnet",
                "action_url": _url("messaging:thread", conversation.pk),
            },
        )
    )


def reply_nudges_send(*, now: dt.datetime | None = None) -> int:
    """Remind each supporter once per waiting message when MESSAGING_NUDGE_WHEN_LEFT or less is left of
    the reply-by time (paused while they are on leave). Always sent, whatever the message-email choice;
    never the text. The outbox key names the conversation and the instant the clock started."""
    now = now or timezone.now()
    allowed = settings.MESSAGE_REPLY_TARGET
    early = now - (allowed - settings.MESSAGING_NUDGE_WHEN_LEFT)
    candidates = (
        Conversation.objects.filter(
            awaiting_since__isnull=False, awaiting_since__lte=early, paused_at__isnull=True
        )
        .exclude(nudged_for=F("awaiting_since"))
        .select_related("supporter__user", "seeker__user")
        .prefetch_related("supporter__leaves")[:500]
    )
    sent = 0
    for conversation in candidates:
        deadline = reply_deadline(
            since=conversation.awaiting_since,
            allowed=allowed,
            pauses=[(leave.starts_at, leave.ends_at) for leave in conversation.supporter.leaves.all()],
        )
        if deadline is None or deadline - now > settings.MESSAGING_NUDGE_WHEN_LEFT:
            continue
        with transaction.atomic():
            updated = (
                Conversation.objects.filter(pk=conversation.pk, awaiting_since=conversation.awaiting_since)
                .exclude(nudged_for=F("awaiting_since"))
                .update(nudged_for=F("awaiting_since"))
            )
            if not updated:
                continue
            user = conversation.supporter.user
            subject = "A message is waiting for your reply"
            notification_queue(
                Email(
                    key=f"message-nudge-{conversation.pk}-{int(conversation.awaiting_since.timestamp())}",
                    to=user.email,
                    subject=subject,
                    template="email/notice",
                    context={
                        "subject": subject,
                        "name": user.get_short_name(),
                        "lines": [
                            f"{conversation.seeker.user.get_short_name()} is waiting for your reply on "
                            f"peersnet. Please answer by {format_when(deadline, user.tzinfo)}.",
                        ],
                        "action_label": "Open the conversation",
                        "action_url": _url("messaging:thread", conversation.pk),
                    },
                )
            )
            sent += 1
    return sent


def messaging_sweep(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """The periodic work: unread emails, then reply-by nudges. Harmless when run twice at once."""
    now = now or timezone.now()
    return unread_emails_send(now=now), reply_nudges_send(now=now)
