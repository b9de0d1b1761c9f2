"""The operations dashboard's reads: the whole service at a glance, in a fixed number of queries.

Every figure is counted in SQL (``Count``/``Sum`` with filters, days truncated in the Pacific zone),
never by looping over rows in Python, so the page costs the same at five supporters and at a thousand.
Weeks run Monday 00:00 to Monday 00:00 and months from the 1st, both in Pacific time
(``settings.OPERATIONS_TIME_ZONE``, DESIGN §4: rules about hours are evaluated where they are defined).

Each figure carries the admin list behind it (``Figure.model`` and ``Figure.params``): the view turns it
into a link for a viewer allowed to open that list, and that list shows exactly the figure's rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, FilteredRelation, Min, Q, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bookings.models import Booking, SessionFeedback
from matching.models import TeamRequest
from messaging.models import Conversation
from payments.models import Payment, Refund
from safety import queue
from supporters.models import Slot, SupporterProfile
from workforce.models import Application
from workforce.stages import Stage

# Sessions that took place (a guarantee refund comes after the session happened).
HELD_STATUSES = (Booking.Status.COMPLETED, Booking.Status.REFUNDED)
CANCELLED_STATUSES = (
    Booking.Status.CANCELLED,
    Booking.Status.LATE_CANCELLED,
    Booking.Status.CANCELLED_BY_SUPPORTER,
)
# Slots that count as offered hours in the heatmap, and those of them someone holds.
OFFERED_SLOT_STATUSES = (Slot.Status.OPEN, Slot.Status.HELD, Slot.Status.BOOKED, Slot.Status.RESERVED)
TAKEN_SLOT_STATUSES = (Slot.Status.HELD, Slot.Status.BOOKED)
# Age bands of requests waiting for the supporter (a request expires within 24 hours).
REQUEST_AGE_BANDS = ((0, 2), (2, 8), (8, 24), (24, None))
# Heatmap hours shown even on an empty week: the default operating hours (09:00-21:00 PT).
DEFAULT_HOURS = range(9, 21)
BELOW_MINIMUM_WEEKS = 4  # the same window as the supporter admin's "below the minimum" filter


def ops_tz() -> ZoneInfo:
    return ZoneInfo(settings.OPERATIONS_TIME_ZONE)


def _midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The start of ``day`` in ``tz``, in UTC (so that differences between two of them are real hours,
    not wall-clock ones, across a DST change)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()), tz).astimezone(dt.UTC)


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC-aware datetimes, with the Pacific dates it covers."""

    start: dt.datetime
    end: dt.datetime
    first_day: dt.date
    last_day: dt.date  # inclusive

    @property
    def days(self) -> list[dt.date]:
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + dt.timedelta(days=i) for i in range(count)]


def week_of(now: dt.datetime) -> Period:
    """The Pacific week (Monday to Sunday) holding ``now``. 167 or 169 hours long across a DST change."""
    tz = ops_tz()
    today = now.astimezone(tz).date()
    monday = today - dt.timedelta(days=today.weekday())
    sunday = monday + dt.timedelta(days=6)
    return Period(_midnight(monday, tz), _midnight(sunday + dt.timedelta(days=1), tz), monday, sunday)


def month_of(now: dt.datetime) -> Period:
    """The Pacific calendar month holding ``now``."""
    tz = ops_tz()
    today = now.astimezone(tz).date()
    first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(_midnight(first, tz), _midnight(following, tz), first, following - dt.timedelta(days=1))


def _instant(value: dt.datetime) -> str:
    """A datetime as an admin filter parameter: ISO 8601 in UTC."""
    return value.astimezone(dt.UTC).isoformat()


@dataclass
class Figure:
    """One number on the page and the admin list that shows its rows."""

    label: str
    count: int
    model: str = ""  # "app_label.model_name" of the admin list; "" when there is none
    params: dict[str, str] = field(default_factory=dict)
    cents: int | None = None  # a money total beside the count
    href: str = ""  # set by the view when the viewer may open the list

    def admin_url(self) -> str:
        return self.url_from(admin_list_url(self.model)) if self.model else ""

    def url_from(self, base: str) -> str:
        """This figure's list, given its model's admin list address (one reverse per model, not per
        figure: the page has a hundred figures)."""
        if not base:
            return ""
        return f"{base}?{urlencode(self.params)}" if self.params else base


def admin_list_url(model: str) -> str:
    """The admin list of "app_label.model_name", or "" when that model has no admin (yet)."""
    app_label, model_name = model.split(".")
    try:
        return reverse(f"admin:{app_label}_{model_name}_changelist")
    except NoReverseMatch:
        return ""


@dataclass
class DayRow:
    day: dt.date
    booked: Figure
    held: Figure
    cancelled: Figure


@dataclass
class HeatCell:
    weekday: int  # 0 = Monday
    hour: int
    offered: Figure
    taken: int

    @property
    def share(self) -> float:
        return self.taken / self.offered.count if self.offered.count else 0.0


@dataclass
class SafetyRow:
    key: str
    label: str
    count: int


@dataclass
class Dashboard:
    now: dt.datetime
    week: Period
    month: Period
    days: list[DayRow]
    requests_waiting: Figure
    request_ages: list[Figure]
    oldest_request_at: dt.datetime | None
    team_requests: Figure
    needs_card_holder: Figure
    failed_refunds: Figure
    guarantee_claims_week: Figure
    guarantee_claims_month: Figure
    revenue_month: Figure
    refunds_month: Figure
    below_minimum: Figure
    heat_hours: list[int]
    heat_weekdays: list[int]
    heat: dict[tuple[int, int], HeatCell]
    overdue_replies: Figure
    safety: list[SafetyRow]
    applicants: list[Figure]

    @property
    def net_month_cents(self) -> int:
        return (self.revenue_month.cents or 0) - (self.refunds_month.cents or 0)

    def figures(self) -> list[Figure]:
        """Every figure that can link to an admin list."""
        found = [
            self.requests_waiting,
            *self.request_ages,
            self.team_requests,
            self.needs_card_holder,
            self.failed_refunds,
            self.guarantee_claims_week,
            self.guarantee_claims_month,
            self.revenue_month,
            self.refunds_month,
            self.below_minimum,
            self.overdue_replies,
            *self.applicants,
        ]
        for row in self.days:
            found += [row.booked, row.held, row.cancelled]
        found += [cell.offered for cell in self.heat.values()]
        return found


def _per_day(queryset, field_name: str) -> dict[dt.date, int]:
    rows = (
        queryset.annotate(day=TruncDate(field_name, tzinfo=ops_tz()))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return dict(rows)


def _day_bounds(day: dt.date) -> dict[str, dt.datetime]:
    tz = ops_tz()
    return {"gte": _midnight(day, tz), "lt": _midnight(day + dt.timedelta(days=1), tz)}


def sessions_per_day(week: Period) -> list[DayRow]:
    """Per Pacific day of the week: requests made (booked), sessions held (completed, or completed and
    refunded under the guarantee) by their start, and bookings cancelled (by anyone, at any notice) by
    when they were cancelled. Three grouped queries."""
    in_week = {"gte": week.start, "lt": week.end}
    booked = _per_day(
        Booking.objects.filter(requested_at__gte=in_week["gte"], requested_at__lt=in_week["lt"]),
        "requested_at",
    )
    held = _per_day(
        Booking.objects.filter(status__in=HELD_STATUSES, start__gte=in_week["gte"], start__lt=in_week["lt"]),
        "start",
    )
    cancelled = _per_day(
        Booking.objects.filter(
            status__in=CANCELLED_STATUSES, ended_at__gte=in_week["gte"], ended_at__lt=in_week["lt"]
        ),
        "ended_at",
    )
    rows = []
    for day in week.days:
        bounds = _day_bounds(day)
        rows.append(
            DayRow(
                day=day,
                booked=Figure(
                    "Requested",
                    booked.get(day, 0),
                    "bookings.booking",
                    {
                        "requested_at__gte": _instant(bounds["gte"]),
                        "requested_at__lt": _instant(bounds["lt"]),
                    },
                ),
                held=Figure(
                    "Held",
                    held.get(day, 0),
                    "bookings.booking",
                    {
                        "status__in": ",".join(HELD_STATUSES),
                        "start__gte": _instant(bounds["gte"]),
                        "start__lt": _instant(bounds["lt"]),
                    },
                ),
                cancelled=Figure(
                    "Cancelled",
                    cancelled.get(day, 0),
                    "bookings.booking",
                    {
                        "status__in": ",".join(CANCELLED_STATUSES),
                        "ended_at__gte": _instant(bounds["gte"]),
                        "ended_at__lt": _instant(bounds["lt"]),
                    },
                ),
            )
        )
    return rows


def requests_waiting(now: dt.datetime) -> tuple[Figure, list[Figure], dt.datetime | None]:
    """Requests waiting for the supporter's answer: the total, by age band, and the oldest. One query."""
    bands = {}
    for low, high in REQUEST_AGE_BANDS:
        condition = Q(requested_at__lte=now - dt.timedelta(hours=low))
        if high is not None:
            condition &= Q(requested_at__gt=now - dt.timedelta(hours=high))
        bands[f"band_{low}"] = Count("pk", filter=condition)
    found = Booking.objects.filter(status=Booking.Status.REQUESTED).aggregate(
        total=Count("pk"), oldest=Min("requested_at"), **bands
    )
    waiting = Figure(
        "Requests waiting for a supporter",
        found["total"],
        "bookings.booking",
        {"status__exact": Booking.Status.REQUESTED},
    )
    ages = []
    for low, high in REQUEST_AGE_BANDS:
        params = {
            "status__exact": Booking.Status.REQUESTED,
            "requested_at__lte": _instant(now - dt.timedelta(hours=low)),
        }
        if high is not None:
            params["requested_at__gt"] = _instant(now - dt.timedelta(hours=high))
            label = f"{low} to {high} hours" if low else f"Under {high} hours"
        else:
            label = f"Over {low} hours"
        ages.append(Figure(label, found[f"band_{low}"], "bookings.booking", params))
    return waiting, ages, found["oldest"]


def team_requests_open() -> Figure:
    count = TeamRequest.objects.filter(status=TeamRequest.Status.OPEN).count()
    return Figure(
        "Requests to our team to match",
        count,
        "matching.teamrequest",
        {"status__exact": TeamRequest.Status.OPEN},
    )


def payments_and_refunds(month: Period) -> tuple[Figure, Figure, Figure, Figure]:
    """Payments waiting for the card holder, failed refunds, and the month's card revenue and refunds.
    Two queries (the indexes on status and success time keep them to the rows they count)."""
    in_month = Q(succeeded_at__gte=month.start, succeeded_at__lt=month.end)
    paid = Q(status=Payment.Status.SUCCEEDED) & in_month
    payments = Payment.objects.filter(Q(status=Payment.Status.REQUIRES_ACTION) | paid).aggregate(
        needs=Count("pk", filter=Q(status=Payment.Status.REQUIRES_ACTION)),
        paid_n=Count("pk", filter=paid),
        paid_cents=Sum("amount_cents", filter=paid),
    )
    refunded = Q(status=Refund.Status.SUCCEEDED) & in_month
    refunds = Refund.objects.filter(Q(status=Refund.Status.FAILED) | refunded).aggregate(
        failed=Count("pk", filter=Q(status=Refund.Status.FAILED)),
        done_n=Count("pk", filter=refunded),
        done_cents=Sum("amount_cents", filter=refunded),
    )
    month_params = {"succeeded_at__gte": _instant(month.start), "succeeded_at__lt": _instant(month.end)}
    return (
        Figure(
            "Payments needing the card holder",
            payments["needs"],
            "payments.payment",
            {"status__exact": Payment.Status.REQUIRES_ACTION},
        ),
        Figure(
            "Failed refunds", refunds["failed"], "payments.refund", {"status__exact": Refund.Status.FAILED}
        ),
        Figure(
            "Card payments this month",
            payments["paid_n"],
            "payments.payment",
            {"status__exact": Payment.Status.SUCCEEDED, **month_params},
            cents=payments["paid_cents"] or 0,
        ),
        Figure(
            "Refunds this month",
            refunds["done_n"],
            "payments.refund",
            {"status__exact": Refund.Status.SUCCEEDED, **month_params},
            cents=refunds["done_cents"] or 0,
        ),
    )


def guarantee_claims(week: Period, month: Period) -> tuple[Figure, Figure]:
    """Money-back guarantee claims ("I didn't love it") made this week and this month. One query."""

    def window(period: Period) -> Q:
        return Q(created_at__gte=period.start, created_at__lt=period.end)

    start = min(week.start, month.start)
    found = SessionFeedback.objects.filter(loved=False, created_at__gte=start).aggregate(
        week=Count("pk", filter=window(week)), month=Count("pk", filter=window(month))
    )

    def figure(label: str, count: int, period: Period) -> Figure:
        params = {
            "loved__exact": "0",
            "created_at__gte": _instant(period.start),
            "created_at__lt": _instant(period.end),
        }
        return Figure(label, count, "bookings.sessionfeedback", params)

    return (
        figure("Guarantee claims this week", found["week"], week),
        figure("Guarantee claims this month", found["month"], month),
    )


def supporters_below_minimum(now: dt.datetime) -> Figure:
    """Active supporters offering fewer hours than the weekly minimum in any of the next four full weeks
    (Pacific, from next Monday): the definition of ``supporters.selectors.supporter_list_below_minimum``
    and of the supporter admin's filter, counted in one query that joins only those weeks' slots."""
    tz = ops_tz()
    today = now.astimezone(tz).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    bounds = [_midnight(monday + dt.timedelta(weeks=i), tz) for i in range(BELOW_MINIMUM_WEEKS + 1)]
    weeks = {
        f"week_{i}": Count(
            "upcoming", filter=Q(upcoming__start__gte=bounds[i], upcoming__start__lt=bounds[i + 1])
        )
        for i in range(BELOW_MINIMUM_WEEKS)
    }
    below = Q()
    for i in range(BELOW_MINIMUM_WEEKS):
        below |= Q(**{f"week_{i}__lt": settings.SUPPORTER_MIN_WEEKLY_HOURS})
    count = (
        SupporterProfile.objects.filter(status=SupporterProfile.Status.ACTIVE)
        .annotate(
            upcoming=FilteredRelation(
                "slots", condition=Q(slots__start__gte=bounds[0], slots__start__lt=bounds[-1])
            )
        )
        .annotate(**weeks)
        .filter(below)
        .count()
    )
    return Figure(
        f"Supporters below the {settings.SUPPORTER_MIN_WEEKLY_HOURS}-hour weekly minimum",
        count,
        "supporters.supporterprofile",
        {"weekly_hours": "below_minimum"},
    )


def supply_heatmap(week: Period) -> tuple[list[int], list[int], dict[tuple[int, int], HeatCell]]:
    """Offered hours (slots) and how many of them someone holds, by Pacific weekday and hour, this week.
    One grouped query."""
    tz = ops_tz()
    rows = (
        Slot.objects.filter(status__in=OFFERED_SLOT_STATUSES, start__gte=week.start, start__lt=week.end)
        .annotate(weekday=ExtractIsoWeekDay("start", tzinfo=tz), hour=ExtractHour("start", tzinfo=tz))
        .values("weekday", "hour")
        .annotate(offered=Count("pk"), taken=Count("pk", filter=Q(status__in=TAKEN_SLOT_STATUSES)))
        .values_list("weekday", "hour", "offered", "taken")
    )
    found = {(weekday - 1, hour): (offered, taken) for weekday, hour, offered, taken in rows}
    hours = sorted(set(DEFAULT_HOURS) | {hour for _weekday, hour in found})
    weekdays = sorted(set(range(5)) | {weekday for weekday, _hour in found})
    cells = {}
    for weekday in weekdays:
        day = week.first_day + dt.timedelta(days=weekday)
        for hour in hours:
            # The wall-clock hour: on the night clocks go back, 01:00-02:00 lasts two real hours.
            local = dt.datetime.combine(day, dt.time(hour), tzinfo=tz)
            offered, taken = found.get((weekday, hour), (0, 0))
            params = {
                "status__in": ",".join(OFFERED_SLOT_STATUSES),
                "start__gte": _instant(local),
                "start__lt": _instant(local + dt.timedelta(hours=1)),
            }
            cells[(weekday, hour)] = HeatCell(
                weekday, hour, Figure("Offered hours", offered, "supporters.slot", params), taken
            )
    return weekdays, hours, cells


def overdue_replies(now: dt.datetime) -> Figure:
    """Conversations whose seeker has waited longer than the reply target (48 hours) for the supporter,
    not paused. The supervisor queue also moves a deadline for a supporter's leave; this is the plain
    clock."""
    since = now - settings.MESSAGE_REPLY_TARGET
    count = Conversation.objects.filter(awaiting_since__lte=since, paused_at__isnull=True).count()
    hours = int(settings.MESSAGE_REPLY_TARGET.total_seconds() // 3600)
    return Figure(
        f"Replies overdue (waiting over {hours} hours)",
        count,
        "messaging.conversation",
        {"awaiting_since__lte": _instant(since), "paused_at__isnull": "True"},
    )


def safety_open(now: dt.datetime) -> list[SafetyRow]:
    """Open items per section of the supervisor queue (each section reads in a fixed number of queries)."""
    counted = queue.counts(now)
    return [SafetyRow(s.key, s.label, counted.get(s.key, 0)) for s in queue.sections()]


def applicants_by_stage() -> list[Figure]:
    """Applications per stage, in the order of the hiring path, then the closed ones. One query."""
    counted = dict(Application.objects.values("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    return [
        Figure(
            str(stage.label),
            counted.get(stage.value, 0),
            "workforce.application",
            {"stage__exact": stage.value},
        )
        for stage in Stage
    ]


def dashboard_get(*, now: dt.datetime | None = None) -> Dashboard:
    """Everything the dashboard shows, at ``now``, in a fixed number of queries."""
    now = now or timezone.now()
    week, month = week_of(now), month_of(now)
    waiting, ages, oldest = requests_waiting(now)
    needs, failed, revenue, refunds = payments_and_refunds(month)
    claims_week, claims_month = guarantee_claims(week, month)
    weekdays, hours, heat = supply_heatmap(week)
    return Dashboard(
        now=now,
        week=week,
        month=month,
        days=sessions_per_day(week),
        requests_waiting=waiting,
        request_ages=ages,
        oldest_request_at=oldest,
        team_requests=team_requests_open(),
        needs_card_holder=needs,
        failed_refunds=failed,
        guarantee_claims_week=claims_week,
        guarantee_claims_month=claims_month,
        revenue_month=revenue,
        refunds_month=refunds,
        below_minimum=supporters_below_minimum(now),
        heat_hours=hours,
        heat_weekdays=weekdays,
        heat=heat,
        overdue_replies=overdue_replies(now),
        safety=safety_open(now),
        applicants=applicants_by_stage(),
    )
