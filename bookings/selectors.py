"""Named reads for bookings: portals, dashboards, the Join window, alternatives to a taken time."""

import datetime as dt

from django.db.models import Count, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from seekers.models import SeekerProfile
from supporters.models import LeaveOfAbsence, Slot, SupporterProfile
from supporters.services import bookable_window

from .models import Booking

Status = Booking.Status
JOIN_OPENS_BEFORE = dt.timedelta(minutes=10)
ABSENCE_WINDOW = dt.timedelta(hours=48)


def booking_list_for_participant(*, user: User) -> QuerySet[Booking]:
    return Booking.objects.for_participant(user).select_related("seeker__user", "supporter__user", "slot")


def booking_list_for_seeker_portal(*, seeker: SeekerProfile, now: dt.datetime | None = None):
    """(upcoming, past) for the seeker's portal, each in a single query."""
    now = now or timezone.now()
    base = Booking.objects.filter(seeker=seeker).select_related("supporter")
    upcoming = list(
        base.filter(
            end__gt=now, status__in=[Status.REQUESTED, Status.PAYMENT_PENDING, Status.CONFIRMED]
        ).order_by("start")
    )
    past = list(base.exclude(pk__in=[b.pk for b in upcoming]).order_by("-start")[:50])
    return upcoming, past


def booking_list_for_supporter_dashboard(*, supporter: SupporterProfile, now: dt.datetime | None = None):
    """(pending requests, upcoming sessions, past sessions). Requests carry the seeker's first name,
    whether their intake is complete, and how many earlier sessions the two have had."""
    now = now or timezone.now()
    earlier = (
        Booking.objects.filter(
            seeker=OuterRef("seeker"),
            supporter=supporter,
            status__in=[Status.COMPLETED, Status.REFUNDED],
        )
        .values("seeker")
        .annotate(n=Count("pk"))
        .values("n")
    )
    base = Booking.objects.filter(supporter=supporter).select_related("seeker__user", "seeker__intake")
    requests = list(
        base.filter(status=Status.REQUESTED, respond_by__gt=now)
        .annotate(earlier_sessions=earlier)
        .order_by("respond_by")
    )
    upcoming = list(
        base.filter(status__in=[Status.CONFIRMED, Status.PAYMENT_PENDING], end__gt=now).order_by("start")
    )
    past = list(
        base.filter(
            end__lte=now, status__in=[Status.CONFIRMED, Status.COMPLETED, Status.NO_SHOW, Status.REFUNDED]
        ).order_by("-start")[:50]
    )
    return requests, upcoming, past


def booking_list_inside_leave(
    *, supporter: SupporterProfile, now: dt.datetime | None = None
) -> list[Booking]:
    """Requests and confirmed sessions that fall on a day of one of the supporter's leaves."""
    now = now or timezone.now()
    tz = supporter.tzinfo
    today = now.astimezone(tz).date()
    leaves = list(
        LeaveOfAbsence.objects.filter(supporter=supporter).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today)
        )
    )
    if not leaves:
        return []
    candidates = Booking.objects.filter(
        supporter=supporter,
        start__gt=now,
        status__in=[Status.REQUESTED, Status.PAYMENT_PENDING, Status.CONFIRMED],
    ).select_related("seeker__user")
    return [b for b in candidates if any(leave.covers(b.start.astimezone(tz).date()) for leave in leaves)]


def slot_list_next_open(
    *, supporter: SupporterProfile, limit: int = 6, now: dt.datetime | None = None
) -> list[Slot]:
    """The supporter's next bookable open slots (shown when a time was just taken, and for rescheduling)."""
    earliest, latest = bookable_window(now)
    return list(
        Slot.objects.filter(
            supporter=supporter, status=Slot.Status.OPEN, start__gte=earliest, start__lte=latest
        ).order_by("start")[:limit]
    )


def join_is_open(*, booking: Booking, now: dt.datetime) -> bool:
    return booking.status == Status.CONFIRMED and booking.start - JOIN_OPENS_BEFORE <= now < booking.end


def can_report_absence(*, booking: Booking, now: dt.datetime) -> bool:
    return (
        booking.status in (Status.CONFIRMED, Status.COMPLETED, Status.NO_SHOW)
        and booking.start + dt.timedelta(minutes=10) <= now <= booking.end + ABSENCE_WINDOW
    )


def seeker_has_slot_conflict(*, seeker: SeekerProfile, start: dt.datetime) -> bool:
    return Booking.objects.holding().filter(seeker=seeker, start=start).exists()


def booking_list_feedback_due(*, seeker: SeekerProfile, now: dt.datetime | None = None) -> list[Booking]:
    """Completed sessions of the last 7 days the seeker hasn't told us about yet."""
    from django.conf import settings

    now = now or timezone.now()
    return list(
        Booking.objects.filter(
            seeker=seeker,
            status=Status.COMPLETED,
            end__gte=now - settings.GUARANTEE_WINDOW,
            feedback__isnull=True,
        ).select_related("supporter")
    )


def intake_shared_with_supporter(*, booking: Booking) -> dict[str, str] | None:
    """What the supporter may see of the seeker's intake: whether it is done, and only shared answers."""
    if not booking.is_holding:  # declined, expired or withdrawn requests show nothing about the seeker
        return None
    intake = getattr(booking.seeker, "intake", None)
    return intake.shared_answers() if intake else None
