"""The outbox: queue an email inside a transaction; deliver it after commit; sweep what is left."""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from peersnet.kernel.enqueue import enqueue_on_commit

from .models import Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# What a row with a one-time secret keeps once it is sent or given up on: who, what subject, when; no link.
_BLANK_BODY = {"body_text": "", "body_html": ""}


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


@dataclass
class Email:
    key: str
    to: str
    subject: str
    template: str  # "bookings/email/confirmed" -> .txt and .html
    context: dict = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)


def notification_queue(email: Email) -> Notification:
    """Write the email to the outbox (inside the caller's transaction) and deliver it after commit.

    Idempotent by ``email.key``: a second call for the same key returns the first row and sends nothing.
    Delivery is best-effort after commit; if the queue (Redis) is down, the periodic sweep sends it.
    """
    context = {"SITE_URL": settings.SITE_URL, "SUPPORT_EMAIL": settings.SUPPORT_EMAIL, **email.context}
    return _queue(
        key=email.key,
        defaults={
            "to": email.to,
            "subject": email.subject,
            "body_text": render_to_string(f"{email.template}.txt", context),
            "body_html": render_to_string(f"{email.template}.html", context),
            "attachments": [a.__dict__ for a in email.attachments],
        },
    )


def notification_queue_rendered(
    *, key: str, to: str, subject: str, body_text: str, body_html: str = "", carries_secret: bool = False
) -> Notification:
    """Write an email rendered elsewhere (allauth's, through peersnet.account_adapter) to the outbox.

    Same guarantees as ``notification_queue``: one row per ``key``, sent after commit, swept if the queue
    or the mail server is down. ``carries_secret`` marks a body holding a one-time link: it is blanked
    once the email has been sent or given up on.
    """
    return _queue(
        key=key,
        defaults={
            "to": to,
            "subject": subject,
            "body_text": body_text,
            "body_html": body_html,
            "carries_secret": carries_secret,
        },
    )


def _queue(*, key: str, defaults: dict) -> Notification:
    notification, created = Notification.objects.get_or_create(key=key, defaults=defaults)
    if created:
        from .tasks import send_notification  # tasks imports this module

        # The broker is down: the row stays pending and the sweep delivers it.
        enqueue_on_commit(send_notification, notification.pk)
    return notification


def _claim(notification_id: int, *, stale_after: dt.timedelta) -> Notification | None:
    """Mark a row as being sent by us. A row claimed by a worker that died long ago can be claimed again."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True).filter(pk=notification_id).first()
        )
        if notification is None:
            return None
        now = timezone.now()
        if notification.status == Notification.Status.SENDING and notification.claimed_at > now - stale_after:
            return None
        if notification.status not in (Notification.Status.PENDING, Notification.Status.SENDING):
            return None
        notification.status = Notification.Status.SENDING
        notification.claimed_at = now
        notification.attempts += 1
        notification.save(update_fields=["status", "claimed_at", "attempts"])
        return notification


def notification_send(
    *, notification_id: int, stale_after: dt.timedelta = dt.timedelta(minutes=10)
) -> Notification:
    """Send one outbox email, at most once per successful run: a sent row is never sent again.

    Claims the row in its own short transaction, talks to the mail server outside any transaction,
    then records the result. A failure puts the row back to pending for the sweep (up to MAX_ATTEMPTS).
    """
    notification = _claim(notification_id, stale_after=stale_after)
    if notification is None:
        return Notification.objects.get(pk=notification_id)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to],
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for attachment in notification.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    try:
        message.send()
    except Exception as exc:
        logger.exception("outbox: sending %s failed", notification.key)
        failed = notification.attempts >= MAX_ATTEMPTS
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.FAILED if failed else Notification.Status.PENDING,
            last_error=str(exc)[:500],
            **(_BLANK_BODY if failed and notification.carries_secret else {}),
        )
    else:
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.SENT,
            sent_at=timezone.now(),
            last_error="",
            **(_BLANK_BODY if notification.carries_secret else {}),
        )
    notification.refresh_from_db()
    return notification


def notification_sweep(*, older_than: dt.timedelta = dt.timedelta(seconds=60), limit: int = 200) -> int:
    """Send emails still unsent after ``older_than`` (queue down, worker lost). Returns how many went out."""
    cutoff = timezone.now() - older_than
    ids = list(
        Notification.objects.filter(
            status__in=[Notification.Status.PENDING, Notification.Status.SENDING], created_at__lte=cutoff
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for notification_id in ids:
        if notification_send(notification_id=notification_id).status == Notification.Status.SENT:
            sent += 1
    return sent
