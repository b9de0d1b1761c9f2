"""Immediate backup: a supporter asks for a supervisor during a session or in the hour after it.

The request pages the supervisors on duty now (``DutyShift`` rows, kept by operations in the admin) or,
when nobody is on duty, every supervisor: one email each, once per request (outbox keys), with a link and
nothing about the session. It also sits on the supervisor queue until a supervisor acknowledges it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from notifications.services import Email, notification_queue_many
from peersnet.errors import DomainError
from privacy.roles import is_supervisor
from supporters.models import SupporterProfile

from ..models import BackupRequest
from .reports import supervisors

# A session "is on" for backup in these states: confirmed (before it is marked completed) or completed.
BACKUP_STATUSES = (Booking.Status.CONFIRMED, Booking.Status.COMPLETED)
MAX_NOTE = 2_000

OUTSIDE_WINDOW = (
    "Backup can be asked for during a session and for an hour after it ends. If someone is in danger now, "
    "call 911; for a crisis, call or text 988. For anything else, message your supervisor."
)


class BackupError(DomainError):
    pass


def backup_window_open(booking: Booking, now: dt.datetime) -> bool:
    """Is ``now`` during ``booking``'s session or within SAFETY_BACKUP_AFTER_SESSION after its end?"""
    return (
        booking.status in BACKUP_STATUSES
        and booking.start <= now <= booking.end + settings.SAFETY_BACKUP_AFTER_SESSION
    )


def supervisors_to_page(now: dt.datetime) -> list[User]:
    """The supervisors on duty at ``now``; every supervisor when no shift covers ``now``."""
    everyone = supervisors()
    on_duty = list(everyone.filter(duty_shifts__starts_at__lte=now, duty_shifts__ends_at__gt=now).distinct())
    return on_duty or list(everyone)


@transaction.atomic
def backup_request_create(*, booking_id: int, supporter: SupporterProfile, note: str = "") -> BackupRequest:
    """ "Get backup now" for one of ``supporter``'s sessions, inside its window (else ``BackupError``).
    Pressing again while a request for the booking is open returns that request and pages nobody again
    (a partial unique constraint backs this). Locks the booking row; emails are queued in this
    transaction and sent after commit."""
    booking = Booking.objects.select_for_update().filter(pk=booking_id, supporter=supporter).first()
    if booking is None:
        raise BackupError("This session can't be found.", code="not_found")
    now = timezone.now()
    if not backup_window_open(booking, now):
        raise BackupError(OUTSIDE_WINDOW, code="outside_window")
    existing = BackupRequest.objects.filter(booking=booking, acknowledged_at__isnull=True).first()
    if existing is not None:
        return existing
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise BackupError(f"Please keep the note under {MAX_NOTE:,} characters.", code="too_long")
    try:
        with transaction.atomic():
            request = BackupRequest.objects.create(
                booking=booking, supporter=supporter, requested_at=now, note=note
            )
    except IntegrityError:  # another press won the race (the booking lock makes this rare)
        return BackupRequest.objects.get(booking=booking, acknowledged_at__isnull=True)
    _page(request, now)
    return request


def _page(request: BackupRequest, now: dt.datetime) -> None:
    subject = "A supporter is asking for backup"
    url = settings.SITE_URL + reverse("safety:backup_detail", args=[request.pk])
    notification_queue_many(
        [
            Email(
                key=f"backup-request-{request.pk}-page-{user.pk}",
                to=user.email,
                subject=subject,
                template="email/notice",
                context={
                    "subject": subject,
                    "name": user.get_short_name(),
                    "lines": [
                        'A supporter pressed "Get backup now" during or just after a session.',
                        "Please open the request, acknowledge it so they know someone is coming, and reach "
                        "out to them.",
                    ],
                    "action_label": "Open the request",
                    "action_url": url,
                },
            )
            for user in supervisors_to_page(now)
        ]
    )


@transaction.atomic
def backup_acknowledge(*, request_id: int, supervisor: User) -> BackupRequest:
    """A supervisor takes the request; the supporter's page shows it. Records who and when; safe to repeat
    (the first acknowledgement stays). Locks the request row."""
    if not is_supervisor(supervisor):
        raise BackupError("Only supervisors can acknowledge backup requests.", code="not_supervisor")
    request = BackupRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise BackupError("This request can't be found.", code="not_found")
    if request.acknowledged_at is None:
        request.acknowledged_by = supervisor
        request.acknowledged_at = timezone.now()
        request.save(update_fields=["acknowledged_by", "acknowledged_at"])
    return request


__all__ = [
    "BackupError",
    "backup_acknowledge",
    "backup_request_create",
    "backup_window_open",
    "supervisors_to_page",
]
