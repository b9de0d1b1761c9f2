"""Reads of pay: the time lines a month generates, rates in effect, statements and year-to-date totals.

Time lines are generated, never typed: from bookings (completed sessions, and by the
``PAY_SEEKER_NO_SHOW_AND_LATE_CANCEL`` setting the seeker's no-shows and late cancellations), supervision
attended, paid activities, and adjustments waiting for a statement. Each line's day is its Pacific day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from bookings.models import Booking
from supporters.models import SupporterProfile

from ..models import (
    PaidActivity,
    PayAdjustment,
    PayRate,
    PayStatement,
    PayStatementLine,
    SupervisionAttendance,
    SupervisionSession,
)
from ..months import month_bounds, next_month, pacific_day

Kind = PayStatementLine.Kind


@dataclass(frozen=True)
class TimeLine:
    supporter_id: int
    kind: str
    on: dt.date
    description: str
    minutes: int
    source_id: int
    amount_cents: int | None = None  # a fixed amount (an adjustment in cents); else minutes x rate


def paid_booking_q() -> Q:
    """Bookings whose hour the supporter is paid for. Completed sessions, and refunded ones (the
    money-back guarantee is the seeker's: the supporter worked the hour); a seeker's no-show or late
    cancellation by the setting. A supporter's own no-show is never paid."""
    paid = Q(status__in=[Booking.Status.COMPLETED, Booking.Status.REFUNDED])
    if settings.PAY_SEEKER_NO_SHOW_AND_LATE_CANCEL:
        paid |= Q(status=Booking.Status.NO_SHOW, no_show_by=Booking.Party.SEEKER)
        paid |= Q(status=Booking.Status.LATE_CANCELLED)
    return paid


def time_lines_for_month(
    *, month: dt.date, supporter_ids: list[int] | None = None
) -> dict[int, list[TimeLine]]:
    """{supporter_id: [TimeLine]} for the Pacific month, adjustments included (those made before the
    month ended and not yet on a statement). Four queries whatever the number of supporters."""
    start, end = month_bounds(month)
    lines: dict[int, list[TimeLine]] = defaultdict(list)
    who = {} if supporter_ids is None else {"supporter_id__in": supporter_ids}

    bookings = Booking.objects.filter(paid_booking_q(), start__gte=start, start__lt=end, **who).values_list(
        "pk", "supporter_id", "start", "status"
    )
    for pk, supporter_id, start_at, status in bookings:
        kind = {Booking.Status.NO_SHOW: Kind.NO_SHOW, Booking.Status.LATE_CANCELLED: Kind.LATE_CANCEL}.get(
            status, Kind.SESSION
        )
        lines[supporter_id].append(
            TimeLine(supporter_id, kind, pacific_day(start_at), Kind(kind).label, settings.PAID_MINUTES, pk)
        )

    attendances = SupervisionAttendance.objects.filter(
        attended=True,
        session__status=SupervisionSession.Status.HELD,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
        **who,
    ).values_list("pk", "supporter_id", "session__kind", "session__starts_at", "session__minutes")
    for pk, supporter_id, kind, starts_at, minutes in attendances:
        line_kind = Kind.ONE_TO_ONE if kind == SupervisionSession.Kind.ONE_TO_ONE else Kind.GROUP
        lines[supporter_id].append(
            TimeLine(supporter_id, line_kind, pacific_day(starts_at), Kind(line_kind).label, minutes, pk)
        )

    activities = PaidActivity.objects.filter(on__gte=month, on__lt=next_month(month), **who).values_list(
        "pk", "supporter_id", "kind", "on", "minutes", "title"
    )
    for pk, supporter_id, kind, on, minutes, title in activities:
        lines[supporter_id].append(TimeLine(supporter_id, kind, on, title, minutes, pk))

    adjustments = PayAdjustment.objects.filter(statement__isnull=True, created_at__lt=end, **who).values_list(
        "pk", "supporter_id", "created_at", "minutes", "amount_cents"
    )
    for pk, supporter_id, created_at, minutes, amount_cents in adjustments:
        lines[supporter_id].append(
            TimeLine(
                supporter_id,
                Kind.ADJUSTMENT,
                pacific_day(created_at),
                Kind.ADJUSTMENT.label,
                minutes,
                pk,
                amount_cents=amount_cents if not minutes else None,
            )
        )
    for supporter_lines in lines.values():
        supporter_lines.sort(key=lambda line: (line.on, line.kind, line.source_id))
    return dict(lines)


def rates_by_supporter(*, supporter_ids) -> dict[int, list[PayRate]]:
    rates: dict[int, list[PayRate]] = defaultdict(list)
    for rate in PayRate.objects.filter(supporter_id__in=supporter_ids).order_by("effective_from"):
        rates[rate.supporter_id].append(rate)
    return rates


def rate_on(rates: list[PayRate], day: dt.date) -> int | None:
    """The hourly rate (cents) in effect on ``day``, or None when none is."""
    for rate in rates:
        if rate.covers(day):
            return rate.hourly_cents
    return None


def statement_list_for_supporter(*, supporter: SupporterProfile) -> QuerySet[PayStatement]:
    return PayStatement.objects.filter(supporter=supporter).order_by("-month")


def statement_get_for_supporter(*, supporter: SupporterProfile, statement_id: int) -> PayStatement:
    """The supporter's own statement with its lines and adjustments (another's raises DoesNotExist)."""
    return (
        PayStatement.objects.filter(supporter=supporter)
        .prefetch_related("lines", "adjustments")
        .get(pk=statement_id)
    )


@dataclass(frozen=True)
class YearTotals:
    year: int
    earned_cents: int  # statements for months of the year (work done in it)
    earned_minutes: int
    paid_cents: int  # statements marked paid with a paid date in the year (what a 1099-NEC counts)


def year_totals(*, supporter: SupporterProfile, year: int) -> YearTotals:
    """Calendar-year totals for a supporter, in one query."""
    totals = PayStatement.objects.filter(supporter=supporter).aggregate(
        earned_cents=Coalesce(Sum("total_cents", filter=Q(month__year=year)), 0),
        earned_minutes=Coalesce(Sum("total_minutes", filter=Q(month__year=year)), 0),
        paid_cents=Coalesce(Sum("total_cents", filter=Q(paid_on__year=year)), 0),
    )
    return YearTotals(year=year, **totals)


def statement_list_for_month(*, month: dt.date) -> QuerySet[PayStatement]:
    return (
        PayStatement.objects.filter(month=month)
        .select_related("supporter__user")
        .order_by("supporter__display_name", "supporter_id")
    )


def line_list_for_month(*, month: dt.date) -> QuerySet[PayStatementLine]:
    return (
        PayStatementLine.objects.filter(statement__month=month)
        .select_related("statement__supporter__user")
        .order_by("statement__supporter__display_name", "statement_id", "on", "pk")
    )


def month_totals(*, month: dt.date) -> dict:
    return PayStatement.objects.filter(month=month).aggregate(
        cents=Coalesce(Sum("total_cents"), 0),
        minutes=Coalesce(Sum("total_minutes"), 0),
        unpaid=Coalesce(Sum("total_cents", filter=Q(paid_on__isnull=True)), 0),
    )
