"""The outbox: queue an email inside a transaction; deliver it after commit; sweep what is left."""

import datetime as dt
import logging
import random
import smtplib
import socket
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from peersnet.kernel.enqueue import enqueue_on_commit

from .models import Notification

logger = logging.getLogger(__name__)

# The sweep leaves a new row alone this long: the task queued after commit sends it first.
SWEEP_GRACE = dt.timedelta(minutes=1)
# A row claimed ("sending") this long ago belongs to a worker that died: it may be claimed again.
CLAIM_STALE_AFTER = dt.timedelta(minutes=10)
# Backoff between attempts: 1, 2, 4, 8 … minutes, never more than an hour, each jittered (50–100 %) so
# a thousand emails held up by one outage don't all hit the mail server in the same minute.
BACKOFF_FIRST = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(minutes=60)
# Staff alerts about failed emails: their own failures never raise another alert (no loop).
ALERT_KEY_PREFIX = "staff-alert-outbox-failed-"
# A deleted account's address is replaced by one at this reserved domain (RFC 2606: ".invalid" never
# resolves). Emails to it are written as dropped, never sent: a refund Stripe confirms after the person
# left, say, is not mailed into the void (and never fails into a staff alert).
ERASED_DOMAIN = "deleted.invalid"
# What a row with a one-time secret keeps once it is sent or given up on: who, what subject, when; no link.
_BLANK_BODY = {"body_text": "", "body_html": ""}


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


class NotificationError(Exception):
    """A request about an outbox email that can't be done; ``message`` is for the person who asked."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


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
    return _queue(key=email.key, defaults=_rendered(email))


def _rendered(email: Email) -> dict:
    context = {"SITE_URL": settings.SITE_URL, "SUPPORT_EMAIL": settings.SUPPORT_EMAIL, **email.context}
    return {
        "to": email.to,
        "subject": email.subject,
        "body_text": render_to_string(f"{email.template}.txt", context),
        "body_html": render_to_string(f"{email.template}.html", context),
        "attachments": [a.__dict__ for a in email.attachments],
    }


def notification_queue_many(emails: list[Email]) -> list[Notification]:
    """``notification_queue`` for several emails written together (one insert), with the same
    guarantees: one row per key (an existing row is returned and not sent again), each new one delivered
    after commit. The usual case is that none exists yet, so the rows are inserted at once, without
    reading first; if any key is already there (a retry, or another transaction inserting it at the same
    moment) the insert is rolled back to its savepoint and each email is queued on its own instead,
    which returns the existing rows."""
    due = timezone.now() + SWEEP_GRACE
    new = [Notification(key=email.key, next_attempt_at=due, **_rendered(email)) for email in emails]
    if not new:
        return []
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(new)
    except IntegrityError:
        return [notification_queue(email) for email in emails]
    from .tasks import send_notification  # tasks imports this module

    for notification in created:
        enqueue_on_commit(send_notification, notification.pk)
    return created


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


def is_erased_address(address: str) -> bool:
    """The placeholder address of a deleted account (nobody receives mail there)."""
    return address.lower().endswith("@" + ERASED_DOMAIN)


def _queue(*, key: str, defaults: dict) -> Notification:
    if is_erased_address(defaults["to"]):
        defaults = {**defaults, **_BLANK_BODY, "attachments": [], "status": Notification.Status.DROPPED}
    notification, created = Notification.objects.get_or_create(
        key=key, defaults={**defaults, "next_attempt_at": timezone.now() + SWEEP_GRACE}
    )
    if created and notification.status == Notification.Status.PENDING:
        from .tasks import send_notification  # tasks imports this module

        # The broker is down: the row stays pending and the sweep delivers it.
        enqueue_on_commit(send_notification, notification.pk)
    return notification


def backoff_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes up to an hour,
    jittered to between half and all of that step."""
    step = min(BACKOFF_CAP, BACKOFF_FIRST * 2 ** min(max(attempts - 1, 0), 16))
    return step * random.uniform(0.5, 1.0)


def retry_budget() -> dt.timedelta:
    """How long an email is retried after it was queued before it is given up (EMAIL_RETRY_BUDGET_HOURS)."""
    return dt.timedelta(hours=settings.EMAIL_RETRY_BUDGET_HOURS)


def permanent_refusal(exc: BaseException) -> str:
    """The reason when the mail server refused this email for good (a 5xx answer about the recipient or
    the message, e.g. 550 mailbox unavailable), else "". Retrying such an email can't succeed.

    A 5xx about us (authentication, our sender address) is our configuration, not this email: it is
    retried like an outage, so fixing the configuration within the budget still delivers everything."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        codes = [code for code, _msg in exc.recipients.values()]
        if all(500 <= code < 600 for code in codes):
            code, msg = next(iter(exc.recipients.values()))
            text = msg.decode("utf-8", "replace") if isinstance(msg, bytes) else str(msg)
            return f"refused by the mail server: {code} {text}"[:500]
    if isinstance(exc, smtplib.SMTPDataError) and 500 <= exc.smtp_code < 600:
        text = (
            exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        )
        return f"refused by the mail server: {exc.smtp_code} {text}"[:500]
    return ""


def unreachable(exc: BaseException) -> bool:
    """The mail server could not be reached or hung up: a problem with every email, not this one."""
    return isinstance(
        exc,
        (
            ConnectionError,
            TimeoutError,
            socket.gaierror,
            smtplib.SMTPConnectError,
            smtplib.SMTPServerDisconnected,
        ),
    )


def _claim(notification_id: int) -> Notification | None:
    """Mark a row as being sent by us. A row claimed by a worker that died long ago can be claimed again."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True).filter(pk=notification_id).first()
        )
        if notification is None:
            return None
        now = timezone.now()
        if (
            notification.status == Notification.Status.SENDING
            and notification.claimed_at > now - CLAIM_STALE_AFTER
        ):
            return None
        if notification.status not in (Notification.Status.PENDING, Notification.Status.SENDING):
            return None
        notification.status = Notification.Status.SENDING
        notification.claimed_at = now
        notification.next_attempt_at = now + CLAIM_STALE_AFTER  # the sweep takes it over if we die
        notification.attempts += 1
        notification.save(update_fields=["status", "claimed_at", "next_attempt_at", "attempts"])
        return notification


def _message(notification: Notification) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to],
        # The same on every attempt (peersnet.mail.SiteMessageIdBackend keeps a Message-ID it is given).
        headers={"Message-ID": f"<{notification.message_id}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"},
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for attachment in notification.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def notification_send(*, notification_id: int) -> Notification:
    """Send one outbox email. Delivery is at least once: a sent row is never sent again, but a worker
    that dies after the mail server took the email and before the row says so sends it once more (with
    the same Message-ID) when its claim goes stale.

    Claims the row in its own short transaction, talks to the mail server outside any transaction,
    then records the result. A failure puts the row back to pending, due again after an exponential
    backoff, until EMAIL_RETRY_BUDGET_HOURS after it was queued; then, or at once when the mail server
    refuses the email for good (a 5xx about the recipient or the message), it is failed, and the next
    sweep tells staff.
    """
    return _send(notification_id)[0]


def _send(notification_id: int) -> tuple[Notification, bool]:
    """notification_send, also saying whether the mail server was unreachable."""
    notification = _claim(notification_id)
    if notification is None:
        return Notification.objects.get(pk=notification_id), False
    server_down = False
    try:
        _message(notification).send()
    except Exception as exc:
        server_down = unreachable(exc)
        now = timezone.now()
        refusal = permanent_refusal(exc)
        next_attempt_at = now + backoff_delay(notification.attempts)
        retrying_since = notification.retry_started_at or notification.created_at
        out_of_time = next_attempt_at > retrying_since + retry_budget()
        failed = bool(refusal) or out_of_time
        if refusal:
            logger.warning("outbox: %s refused for good: %s", notification.key, refusal)
        elif failed:
            logger.error(
                "outbox: giving up on %s after %s attempts: %s", notification.key, notification.attempts, exc
            )
        else:
            logger.warning(
                "outbox: sending %s failed (attempt %s): %s", notification.key, notification.attempts, exc
            )
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.FAILED if failed else Notification.Status.PENDING,
            last_error=(refusal or str(exc))[:500],
            next_attempt_at=next_attempt_at,
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
    return notification, server_down


def notification_sweep(*, limit: int = 200) -> int:
    """Periodic: send every unsent email that is due (queued over a minute ago and never sent, waiting out
    its backoff, or claimed by a worker that died), then tell staff about emails that failed for good.
    Returns how many emails went out.

    When the mail server can't be reached the sweep stops at the first row that finds it so: the rest
    stay due for the next sweep (no attempt spent on them, and no sweep waiting out one connect timeout
    per row of a large backlog)."""
    ids = list(
        Notification.objects.filter(
            status__in=[Notification.Status.PENDING, Notification.Status.SENDING],
            next_attempt_at__lte=timezone.now(),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for notification_id in ids:
        notification, server_down = _send(notification_id)
        if notification.status == Notification.Status.SENT:
            sent += 1
        if server_down:
            logger.warning("outbox: the mail server can't be reached; the next sweep tries again")
            break
    notifications_alert_failed()
    return sent


def notifications_erase_recipient(*, address: str, placeholder: str) -> int:
    """A person deleted their account: every outbox row to ``address`` gets ``placeholder`` as its
    recipient and loses its body and attachments; those not sent yet are dropped (never sent). Call
    inside the deletion's transaction. Returns how many rows changed."""
    rows = Notification.objects.filter(to__iexact=address)
    rows.filter(status__in=[Notification.Status.PENDING, Notification.Status.SENDING]).update(
        status=Notification.Status.DROPPED
    )
    return rows.update(to=placeholder, attachments=[], **_BLANK_BODY)


@transaction.atomic
def notifications_alert_failed() -> Notification | None:
    """Queue one email to STAFF_ALERT_EMAIL about every failed email not reported yet, and mark them
    reported. Safe to run twice or concurrently (the rows are locked; a second run finds none). The alert
    names each email by its key, recipient count and reason: never its subject, body or address."""
    rows = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(status=Notification.Status.FAILED, staff_alerted_at=None)
        .order_by("pk")[:500]
    )
    if not rows:
        return None
    now = timezone.now()
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(staff_alerted_at=now)
    reported = [row for row in rows if not row.key.startswith(ALERT_KEY_PREFIX)]
    for row in rows:
        if row.key.startswith(
            ALERT_KEY_PREFIX
        ):  # the alert itself failed: the log and the health report say so
            logger.error("outbox: the staff alert %s could not be sent: %s", row.key, row.last_error)
    if not reported:
        return None
    count = len(reported)
    lines = [
        f"{count} email{'s' if count != 1 else ''} could not be delivered and will not be retried:",
        *[f"- #{row.pk} {row.key}: {row.last_error or 'no reason recorded'}" for row in reported[:50]],
    ]
    if count > 50:
        lines.append(f"- and {count - 50} more.")
    lines.append(
        "Find them in the admin under Notifications, status Failed. Once the cause is fixed, the "
        '"Resend" action sends them again.'
    )
    subject = "Emails could not be delivered"
    return notification_queue(
        Email(
            key=f"{ALERT_KEY_PREFIX}{now:%Y%m%d%H%M%S%f}-{reported[0].pk}",
            to=settings.STAFF_ALERT_EMAIL,
            subject=subject,
            template="email/notice",
            context={
                "subject": subject,
                "name": "team",
                "lines": lines,
                "action_label": "Open the failed emails",
                "action_url": settings.SITE_URL + "/admin/notifications/notification/?status__exact=failed",
            },
        )
    )


@transaction.atomic
def notification_resend(*, notification_id: int) -> Notification:
    """Staff: send a failed email again, with a fresh retry budget counted from now. Sent after commit.

    Raises NotificationError when the email is not failed, or when its body held a one-time link that
    was erased when it failed (it can't be rebuilt: the person asks for a new link instead)."""
    notification = Notification.objects.select_for_update().get(pk=notification_id)
    if notification.status != Notification.Status.FAILED:
        raise NotificationError(
            f"Email #{notification.pk} has not failed, so there is nothing to resend.", code="not_failed"
        )
    if notification.carries_secret and not notification.body_text:
        raise NotificationError(
            f"Email #{notification.pk} carried a one-time link that was erased when it failed, so it can't "
            "be resent. The person can ask for a new one (sign-up confirmation or password reset).",
            code="secret_erased",
        )
    now = timezone.now()
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.PENDING,
        attempts=0,
        last_error="",
        staff_alerted_at=None,
        claimed_at=None,
        retry_started_at=now,  # the retry budget starts again (created_at, and so the Message-ID, stay)
        next_attempt_at=now + SWEEP_GRACE,
    )
    from .tasks import send_notification  # tasks imports this module

    enqueue_on_commit(send_notification, notification.pk)
    notification.refresh_from_db()
    return notification
