"""Periodic work (Celery beat): expire, complete and release due bookings, queue reminders. Each
booking is changed in its own transaction, so one failure doesn't hold back the rest."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from giftcards import services as gifts
from giftcards.models import SessionCredit
from seekers.models import SeekerProfile

from .. import emails
from ..models import Booking
from .aftercare import booking_complete
from .requests import booking_expire, booking_release
from .transition import Status

# --- Periodic work ---------------------------------------------------------------------------------


def bookings_expire_due(*, now: dt.datetime | None = None) -> int:
    """Expire every request past its deadline. Each in its own transaction. Returns how many."""
    now = now or timezone.now()
    ids = Booking.objects.filter(status=Status.REQUESTED, respond_by__lte=now).values_list("pk", flat=True)
    count = 0
    for booking_id in list(ids):
        if booking_expire(booking_id=booking_id, now=now).status == Status.EXPIRED:
            count += 1
    return count


def bookings_release_due(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    ids = Booking.objects.filter(status=Status.PAYMENT_PENDING, payment_due_by__lte=now).values_list(
        "pk", flat=True
    )
    return sum(booking_release(booking_id=i, now=now).status == Status.RELEASED for i in list(ids))


def bookings_complete_due(*, now: dt.datetime | None = None) -> int:
    """Complete every confirmed session whose end has passed. Returns how many."""
    now = now or timezone.now()
    ids = Booking.objects.filter(status=Status.CONFIRMED, end__lte=now).values_list("pk", flat=True)
    count = 0
    for booking_id in list(ids):
        if booking_complete(booking_id=booking_id, now=now).status == Status.COMPLETED:
            count += 1
    return count


REMINDERS = ((24, dt.timedelta(hours=24)), (1, dt.timedelta(hours=1)))


def bookings_send_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue the 24-hour and 1-hour reminders of confirmed sessions starting within those spans.

    Runs every few minutes; the outbox key (booking, kind, start) makes a rerun send nothing twice,
    and a rescheduled session gets fresh reminders for its new time."""
    now = now or timezone.now()
    count = 0
    for hours, ahead in REMINDERS:
        due = (
            Booking.objects.filter(status=Status.CONFIRMED, start__gt=now, start__lte=now + ahead)
            # Accepted inside the span: the confirmation just told them, no reminder for that span.
            .exclude(accepted_at__gt=F("start") - ahead)
            .select_related("seeker__user", "supporter__user")
        )
        for booking in due:
            with transaction.atomic():
                emails.email_reminder(booking, hours=hours)
            count += 1
    return count


def intake_send_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind seekers with an upcoming session and no intake yet, at most once a day each (outbox key)."""
    now = now or timezone.now()
    seekers = (
        SeekerProfile.objects.filter(
            bookings__status__in=[Status.REQUESTED, Status.PAYMENT_PENDING, Status.CONFIRMED],
            bookings__start__gt=now,
            intake__isnull=True,
        )
        .select_related("user")
        .distinct()
    )
    count = 0
    for seeker in seekers:
        with transaction.atomic():
            emails.email_intake_reminder(seeker, day=now.astimezone(seeker.user.tzinfo).date())
        count += 1
    return count


def credits_settle_due(*, now: dt.datetime | None = None) -> int:
    """Periodic safety net: a booking paid with a gift credit whose decided outcome keeps the fee has its
    credit settled (used), should the call from its transition have been missed. Returns how many."""
    ids = Booking.objects.filter(
        paid_with_credit=True, money=Booking.Money.KEEP_FEE, gift_credits__status=SessionCredit.Status.HELD
    ).values_list("pk", flat=True)
    return sum(gifts.credit_settle(booking_id=booking_id, now=now) is not None for booking_id in list(ids))
