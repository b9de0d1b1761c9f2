"""Named reads for bookings: portals, dashboards, the Join window, alternatives to a taken time."""

import datetime as dt

from django.db.models import Avg, Count, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from seekers.models import SeekerProfile
from supporters.models import LeaveOfAbsence, Slot, SupporterProfile
from supporters.services import bookable_window

from .models import Booking
from .policy import guarantee_open_for_ends_after

Status = Booking.Status


def booking_list_for_participant(*, user: User) -> QuerySet[Booking]:
    return Booking.objects.for_participant(user).select_related("seeker__user", "supporter__user", "slot")


def booking_list_for_seeker(*, user: User) -> QuerySet[Booking]:
    """The seeker's own bookings (none for anyone else), with the supporter loaded."""
    return Booking.objects.for_seeker(user).select_related("seeker__user", "supporter__user")


def booking_list_for_supporter(*, user: User) -> QuerySet[Booking]:
    """The supporter's own bookings (none for anyone else), with the seeker loaded."""
    return Booking.objects.for_supporter(user).select_related("seeker__user", "supporter__user")


def slot_list_of_listed_supporters() -> QuerySet[Slot]:
    """Slots a seeker may open the booking step for: those of supporters in the directory."""
    return Slot.objects.select_related("supporter").filter(supporter__in=SupporterProfile.objects.listed())


def booking_list_for_seeker_portal(*, seeker: SeekerProfile, now: dt.datetime | None = None):
    """(upcoming, past) for the seeker's portal, each in a single query."""
    now = now or timezone.now()
    base = Booking.objects.filter(seeker=seeker).select_related("supporter", "seeker")
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


def booking_list_feedback_due(*, seeker: SeekerProfile, now: dt.datetime | None = None) -> list[Booking]:
    """Completed sessions still inside the money-back guarantee that the seeker hasn't told us about yet."""
    now = now or timezone.now()
    return list(
        Booking.objects.filter(
            seeker=seeker,
            status=Status.COMPLETED,
            end__gte=guarantee_open_for_ends_after(now),
            feedback__isnull=True,
        ).select_related("supporter")
    )


def intake_shared_with_supporter(*, booking: Booking) -> dict[str, str] | None:
    """What the supporter may see of the seeker's intake: whether it is done, and only shared answers."""
    if not booking.is_holding:  # declined, expired or withdrawn requests show nothing about the seeker
        return None
    intake = getattr(booking.seeker, "intake", None)
    return intake.shared_answers() if intake else None


SUMMARY_DAYS = 90


def feedback_summary_by_supporter(*, now: dt.datetime | None = None) -> list[SupporterProfile]:
    """For supervision: every supporter with a session that ended in the last 90 days, with
    ``sessions`` (completed or refunded), ``ratings`` (how many rated), ``average_rating`` (None without
    ratings) and ``claims`` (money-back guarantee claims), in name order. One query. A coaching signal:
    nothing orders or filters supporters for seekers by it."""
    now = now or timezone.now()
    recent = Q(bookings__end__gte=now - dt.timedelta(days=SUMMARY_DAYS), bookings__end__lte=now)
    ended = recent & Q(bookings__status__in=[Status.COMPLETED, Status.REFUNDED])
    return list(
        SupporterProfile.objects.annotate(
            sessions=Count("bookings", filter=ended, distinct=True),
            ratings=Count("bookings__feedback__rating", filter=recent),
            average_rating=Avg("bookings__feedback__rating", filter=recent),
            claims=Count("bookings__feedback", filter=recent & Q(bookings__feedback__loved=False)),
        )
        .filter(sessions__gt=0)
        .order_by("display_name", "pk")
    )
