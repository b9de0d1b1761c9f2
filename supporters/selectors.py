"""Named reads for supporters: the directory, next available sessions, a profile's week, weekly hours."""

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import (
    BigIntegerField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, Mod
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersnet.kernel.ids import parse_id

from .models import Slot, SupporterConflict, SupporterProfile, Tag
from .services import bookable_window


@dataclass(frozen=True)
class WeekHours:
    week_start: dt.date  # Monday, in the supporter's zone
    hours: int
    open_hours: int

    @property
    def below_minimum(self) -> bool:
        return self.hours < settings.SUPPORTER_MIN_WEEKLY_HOURS


def supporter_weekly_hours(
    *, supporter: SupporterProfile, weeks: int = 4, now: dt.datetime | None = None
) -> list[WeekHours]:
    """Hours offered (open, held or booked slots) in each of the next ``weeks`` weeks, Monday to Sunday
    in the supporter's zone, starting with the current week. One query."""
    now = now or timezone.now()
    tz = supporter.tzinfo
    today = now.astimezone(tz).date()
    monday = today - dt.timedelta(days=today.weekday())
    bounds = [
        timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(weeks=i), dt.time()), tz)
        for i in range(weeks + 1)
    ]
    aggregates = {}
    for i in range(weeks):
        in_week = Q(start__gte=bounds[i], start__lt=bounds[i + 1])
        aggregates[f"all_{i}"] = Count("pk", filter=in_week)
        aggregates[f"open_{i}"] = Count("pk", filter=in_week & Q(status=Slot.Status.OPEN))
    counts = Slot.objects.filter(supporter=supporter).aggregate(**aggregates)
    slot_hours = settings.PAID_MINUTES / 60
    return [
        WeekHours(
            week_start=monday + dt.timedelta(weeks=i),
            hours=int(counts[f"all_{i}"] * slot_hours),
            open_hours=int(counts[f"open_{i}"] * slot_hours),
        )
        for i in range(weeks)
    ]


def supporter_list_below_minimum(
    *, weeks: int = 4, now: dt.datetime | None = None
) -> list[tuple[SupporterProfile, int]]:
    """Active supporters offering fewer than the weekly minimum in any full week of the next ``weeks``
    (weeks starting next Monday, in Pacific time), with their lowest week's hours. One query."""
    now = now or timezone.now()
    tz = ZoneInfo(settings.OPERATIONS_TIME_ZONE)
    today = now.astimezone(tz).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    bounds = [
        timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(weeks=i), dt.time()), tz)
        for i in range(weeks + 1)
    ]
    annotations = {
        f"week_{i}": Count("slots", filter=Q(slots__start__gte=bounds[i], slots__start__lt=bounds[i + 1]))
        for i in range(weeks)
    }
    minimum = settings.SUPPORTER_MIN_WEEKLY_HOURS
    rows = SupporterProfile.objects.filter(status=SupporterProfile.Status.ACTIVE).annotate(**annotations)
    below = Q()
    for i in range(weeks):
        below |= Q(**{f"week_{i}__lt": minimum})
    result = []
    for supporter in rows.filter(below).order_by("display_name"):
        result.append((supporter, min(getattr(supporter, f"week_{i}") for i in range(weeks))))
    return result


# --- Directory, next available, profile ----------------------------------------------------------------
#
# Indexes these reads rely on (all exist in 0001): slot (supporter, status, start) for the next-open
# subquery, the "when" Exists and a profile's week; slot (status, start) for "next available" across
# everyone; the tags through table's unique (supporterprofile_id, tag_id) for the tag Exists filters.

DIRECTORY_PAGE_SIZE = 12
NEXT_AVAILABLE_LIMIT = 20
PROFILE_WEEKS = 2  # the profile shows the open times of the next two weeks, one week at a time
FILTER_TAG_KINDS = (Tag.Kind.TOPIC, Tag.Kind.IDENTITY, Tag.Kind.LANGUAGE)

# The daily fair order: a permutation of ids that changes every day. P is prime, so for a multiplier
# in 1..P-1 the map id -> (id * a + b) mod P is one-to-one on any P consecutive ids.
_ROTATION_PRIME = 1_000_003


class When(models.TextChoices):
    """The "when" filter: which open times count. Evaluated in the viewer's zone."""

    NEXT_48_HOURS = "48h", _("In the next 48 hours")
    THIS_WEEK = "week", _("This week (until Sunday night)")
    EVENINGS = "evenings", _("Weekday evenings (from 5pm)")
    MORNINGS = "mornings", _("Mornings (before noon)")


@dataclass(frozen=True)
class DirectoryFilters:
    """What a seeker asked the directory for. Tag filters hold tag slugs of their kind.

    Within one kind a supporter needs ANY of the chosen tags (Anxiety or Grief); across kinds they need
    ALL kinds (Anxiety or Grief, and Spanish): that is what a seeker ticking boxes expects.
    """

    topic: tuple[str, ...] = ()
    identity: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    when: str = ""
    q: str = ""

    def tags_by_kind(self) -> dict[str, tuple[str, ...]]:
        return {
            Tag.Kind.TOPIC: self.topic,
            Tag.Kind.IDENTITY: self.identity,
            Tag.Kind.LANGUAGE: self.language,
        }

    @property
    def is_empty(self) -> bool:
        return not (self.topic or self.identity or self.language or self.when or self.q)

    def querystring(self) -> str:
        """The filters as URL parameters (no leading "?"), so a page, a link or a share keeps them."""
        pairs = [(kind, slug) for kind, slugs in self.tags_by_kind().items() for slug in slugs]
        if self.when:
            pairs.append(("when", self.when))
        if self.q:
            pairs.append(("q", self.q))
        return urlencode(pairs)


def _rotation_key(field: str, now: dt.datetime) -> Mod:
    """A sort key that orders ids in a fair, deterministic order that changes every (UTC) day."""
    digest = hashlib.sha256(now.astimezone(dt.UTC).date().isoformat().encode()).digest()
    multiplier = 1 + int.from_bytes(digest[:8], "big") % (_ROTATION_PRIME - 1)
    offset = int.from_bytes(digest[8:16], "big") % _ROTATION_PRIME
    big = BigIntegerField()
    return Mod(
        ExpressionWrapper(F(field) * Value(multiplier, big) + Value(offset, big), output_field=big),
        Value(_ROTATION_PRIME, big),
        output_field=big,
    )


def _local_midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC)


def _open_slots(when: str, *, viewer_tz: ZoneInfo, now: dt.datetime) -> QuerySet[Slot]:
    """Open slots that can be booked now (minimum notice to horizon) and match ``when`` in the viewer's zone.

    "48h" and "week" are ranges of instants ("week" ends at midnight after Sunday, viewer's time);
    "mornings" (before 12:00) and "evenings" (Monday to Friday, from 17:00) compare each slot's local
    wall clock, worked out by the database, so they are right across daylight-saving changes.
    """
    window_start, window_end = bookable_window(now)
    slots = Slot.objects.filter(status=Slot.Status.OPEN, start__gte=window_start, start__lte=window_end)
    if when == When.NEXT_48_HOURS:
        slots = slots.filter(start__lt=now + dt.timedelta(hours=48))
    elif when == When.THIS_WEEK:
        today = now.astimezone(viewer_tz).date()
        slots = slots.filter(
            start__lt=_local_midnight(today + dt.timedelta(days=7 - today.weekday()), viewer_tz)
        )
    elif when == When.MORNINGS:
        slots = slots.alias(local_hour=ExtractHour("start", tzinfo=viewer_tz)).filter(local_hour__lt=12)
    elif when == When.EVENINGS:
        slots = slots.alias(
            local_hour=ExtractHour("start", tzinfo=viewer_tz),
            local_weekday=ExtractIsoWeekDay("start", tzinfo=viewer_tz),
        ).filter(local_hour__gte=17, local_weekday__lte=5)
    return slots


ExcludeIds = Iterable[int] | QuerySet


def _without(queryset: QuerySet, exclude_ids: ExcludeIds, field: str = "pk") -> QuerySet:
    """``queryset`` minus the supporters in ``exclude_ids`` (a list, or a values queryset, which stays a
    subquery: no extra query)."""
    if isinstance(exclude_ids, QuerySet) or exclude_ids:
        return queryset.exclude(**{f"{field}__in": exclude_ids})
    return queryset


def _supporters_matching(
    filters: DirectoryFilters, exclude_ids: ExcludeIds = ()
) -> QuerySet[SupporterProfile]:
    """Listed supporters matching the tag and text filters (not ``when``): one Exists per tag kind.
    ``exclude_ids``: supporters this viewer must never see (conflicts of interest)."""
    queryset = _without(SupporterProfile.objects.listed(), exclude_ids)
    through = SupporterProfile.tags.through
    for kind, slugs in filters.tags_by_kind().items():
        if slugs:
            queryset = queryset.filter(
                Exists(
                    through.objects.filter(
                        supporterprofile_id=OuterRef("pk"), tag__kind=kind, tag__slug__in=list(slugs)
                    )
                )
            )
    q = filters.q.strip()
    if q:
        queryset = queryset.filter(Q(display_name__icontains=q) | Q(intro__icontains=q))
    return queryset


def _topic_tags_prefetch() -> Prefetch:
    return Prefetch("tags", queryset=Tag.objects.filter(kind=Tag.Kind.TOPIC), to_attr="topic_tags")


def supporter_list_directory(
    *,
    filters: DirectoryFilters,
    viewer_tz: ZoneInfo,
    now: dt.datetime | None = None,
    exclude_ids: ExcludeIds = (),
) -> QuerySet[SupporterProfile]:
    """Listed supporters matching ``filters``, soonest available first, for the directory.

    Each row has ``next_open``: the start of their earliest open bookable slot that matches the "when"
    filter (None when they have none; those come last), and ``topic_tags``: their topic tags in display
    order (prefetched: one extra query per evaluation). Ties (including everyone with no open time) are
    in a fair order that is the same all day and changes every day. With a "when" filter, supporters
    without a matching open slot are left out (an Exists on the slot index). Lazy.
    """
    now = now or timezone.now()
    open_slots = _open_slots(filters.when, viewer_tz=viewer_tz, now=now)
    next_open = open_slots.filter(supporter=OuterRef("pk")).order_by("start").values("start")[:1]
    queryset = _supporters_matching(filters, exclude_ids)
    if filters.when:
        queryset = queryset.filter(Exists(open_slots.filter(supporter=OuterRef("pk"))))
    return (
        queryset.annotate(next_open=Subquery(next_open, output_field=DateTimeField()))
        .alias(fair_order=_rotation_key("id", now))
        .order_by(F("next_open").asc(nulls_last=True), "fair_order", "id")
        .prefetch_related(_topic_tags_prefetch())
    )


@dataclass(frozen=True)
class DirectoryPage:
    supporters: list[SupporterProfile]
    number: int  # 1-based, always a page that exists
    num_pages: int  # at least 1
    count: int  # supporters matching, on all pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def supporter_page_directory(
    *,
    filters: DirectoryFilters,
    viewer_tz: ZoneInfo,
    page: int = 1,
    per_page: int = DIRECTORY_PAGE_SIZE,
    now: dt.datetime | None = None,
    exclude_ids: ExcludeIds = (),
) -> DirectoryPage:
    """One page of :func:`supporter_list_directory`, with the total count taken in the same query.

    Sorting by next open time already makes the database visit every matching supporter, so a
    ``COUNT(*) OVER ()`` costs nothing extra, where a separate COUNT would run the tag and "when"
    filters a second time. Two queries (the page, its topic tags). A page below 1 means page 1; a page
    past the end means the last page and costs two more queries (a count, then that page).
    """
    queryset = supporter_list_directory(
        filters=filters, viewer_tz=viewer_tz, now=now, exclude_ids=exclude_ids
    ).annotate(total_count=Window(Count("pk")))
    number = max(1, page)
    rows = list(queryset[(number - 1) * per_page : number * per_page])
    if rows:
        count = rows[0].total_count
    elif number > 1:
        count = queryset.count()
        number = max(1, -(-count // per_page))
        rows = list(queryset[(number - 1) * per_page : number * per_page]) if count else []
    else:
        count = 0
    return DirectoryPage(supporters=rows, number=number, num_pages=max(1, -(-count // per_page)), count=count)


def slot_list_next_available(
    *,
    filters: DirectoryFilters,
    viewer_tz: ZoneInfo,
    limit: int = NEXT_AVAILABLE_LIMIT,
    now: dt.datetime | None = None,
    exclude_ids: ExcludeIds = (),
) -> list[Slot]:
    """The earliest open bookable slots across all listed supporters matching ``filters``, soonest first.

    Sessions starting at the same time are in the day's fair order of supporters. One query (slots
    with their supporter); the supporter filter is a semi-join, the scan walks the (status, start)
    index and stops after ``limit`` rows.
    """
    now = now or timezone.now()
    open_slots = _open_slots(filters.when, viewer_tz=viewer_tz, now=now)
    return list(
        open_slots.filter(supporter__in=_supporters_matching(filters, exclude_ids).values("pk"))
        .select_related("supporter")
        .alias(fair_order=_rotation_key("supporter_id", now))
        .order_by("start", "fair_order", "supporter_id")[: max(0, limit)]
    )


def supporter_get_listed(
    *, supporter_id: int, now: dt.datetime | None = None, exclude_ids: ExcludeIds = ()
) -> SupporterProfile:
    """One listed supporter for their public profile, with ``next_open`` (earliest open bookable start,
    or None), all tags prefetched and ``topic_tags`` set. Two queries.

    Raises ``SupporterProfile.DoesNotExist`` for anyone not listed (onboarding, on leave, inactive), in
    ``exclude_ids``, or unknown: the profile view turns that into a 404.
    """
    now = now or timezone.now()
    next_open = _open_slots("", viewer_tz=dt.UTC, now=now).filter(supporter=OuterRef("pk"))
    supporter = (
        _without(SupporterProfile.objects.listed(), exclude_ids)
        .annotate(
            next_open=Subquery(next_open.order_by("start").values("start")[:1], output_field=DateTimeField())
        )
        .prefetch_related("tags")
        .get(pk=supporter_id)
    )
    supporter.topic_tags = [tag for tag in supporter.tags.all() if tag.kind == Tag.Kind.TOPIC]
    return supporter


def supporter_tags_by_kind(*, supporter: SupporterProfile) -> list[tuple[str, list[Tag]]]:
    """The supporter's (prefetched) tags grouped by kind, in the vocabulary's order, empty kinds left out."""
    groups = {kind: [] for kind in Tag.Kind.values}
    for tag in supporter.tags.all():
        groups[tag.kind].append(tag)
    labels = dict(Tag.Kind.choices)
    return [(labels[kind], tags) for kind, tags in groups.items() if tags]


@dataclass(frozen=True)
class DaySlots:
    day: dt.date  # in the viewer's zone
    slots: list[Slot]


@dataclass(frozen=True)
class WeekOfSlots:
    week: int  # 0 = the seven days from today, 1 = the seven after
    first_day: dt.date
    last_day: dt.date
    days: list[DaySlots]  # all seven days, some maybe without slots

    @property
    def has_previous(self) -> bool:
        return self.week > 0

    @property
    def has_next(self) -> bool:
        return self.week < PROFILE_WEEKS - 1

    @property
    def slot_count(self) -> int:
        return sum(len(day.slots) for day in self.days)


def clamp_week(value: object) -> int:
    """A week number from a URL parameter: anything odd becomes the nearest valid week (0 by default)."""
    try:
        week = int(str(value).strip()[:6])
    except (TypeError, ValueError):
        return 0
    return min(max(week, 0), PROFILE_WEEKS - 1)


def slot_list_for_week(
    *, supporter: SupporterProfile, week: int, viewer_tz: ZoneInfo, now: dt.datetime | None = None
) -> WeekOfSlots:
    """A supporter's open bookable slots in one of the next two weeks, by day in the viewer's zone.

    Week 0 is today and the six days after it (in the viewer's zone), week 1 the seven days after
    that; ``week`` is clamped to those. One query on the (supporter, status, start) index.
    """
    now = now or timezone.now()
    week = clamp_week(week)
    today = now.astimezone(viewer_tz).date()
    first_day = today + dt.timedelta(weeks=week)
    days = [first_day + dt.timedelta(days=i) for i in range(7)]
    window_start, window_end = bookable_window(now)
    slots = Slot.objects.filter(
        supporter=supporter,
        status=Slot.Status.OPEN,
        start__gte=max(window_start, _local_midnight(first_day, viewer_tz)),
        start__lt=_local_midnight(days[-1] + dt.timedelta(days=1), viewer_tz),
        start__lte=window_end,
    ).order_by("start")
    by_day: dict[dt.date, list[Slot]] = {day: [] for day in days}
    for slot in slots:
        slot.supporter = supporter  # no query if a template asks for it
        by_day.setdefault(slot.start.astimezone(viewer_tz).date(), []).append(slot)
    return WeekOfSlots(
        week=week,
        first_day=days[0],
        last_day=days[-1],
        days=[DaySlots(day=day, slots=by_day[day]) for day in days],
    )


def slots_by_local_day(slots: list[Slot], *, viewer_tz: ZoneInfo) -> list[DaySlots]:
    """Slots (already in order) grouped by their day in the viewer's zone."""
    days: list[DaySlots] = []
    for slot in slots:
        day = slot.start.astimezone(viewer_tz).date()
        if not days or days[-1].day != day:
            days.append(DaySlots(day=day, slots=[]))
        days[-1].slots.append(slot)
    return days


# --- The supporter's own pages -------------------------------------------------------------------


def supporter_is_listed(*, supporter: SupporterProfile) -> bool:
    """Whether seekers can find this supporter right now (active and not on a leave)."""
    return SupporterProfile.objects.listed().filter(pk=supporter.pk).exists()


def supporter_next_open(*, supporter_id: int) -> dt.datetime | None:
    """The start of the supporter's next bookable open slot (the directory card's "next open")."""
    not_before, not_after = bookable_window()
    return (
        Slot.objects.filter(
            supporter_id=supporter_id, status=Slot.Status.OPEN, start__gte=not_before, start__lte=not_after
        )
        .order_by("start")
        .values_list("start", flat=True)
        .first()
    )


def slot_list_open_ahead(*, supporter: SupporterProfile, now: dt.datetime | None = None) -> QuerySet[Slot]:
    """The supporter's open slots from now on, soonest first."""
    now = now or timezone.now()
    return Slot.objects.filter(supporter=supporter, status=Slot.Status.OPEN, start__gte=now).order_by("start")


def tag_list_by_ids(ids: list) -> QuerySet[Tag]:
    """The tags with these ids (anything that isn't an id is ignored)."""
    return Tag.objects.filter(pk__in=[pk for pk in map(parse_id, ids) if pk is not None])


def tag_list_for_filters() -> list[Tag]:
    """The tags the directory filters by."""
    return list(Tag.objects.filter(kind__in=FILTER_TAG_KINDS))


def time_off_list_ahead(*, supporter: SupporterProfile, today: dt.date) -> list:
    """Time off that hasn't ended yet, earliest first."""
    return list(supporter.time_off.filter(end_date__gte=today).order_by("start_date"))


def leave_list_ahead(*, supporter: SupporterProfile, today: dt.date) -> list:
    """Leaves that are current or planned, earliest first."""
    return list(
        supporter.leaves.filter(Q(end_date__isnull=True) | Q(end_date__gte=today)).order_by("start_date")
    )


# --- Conflicts of interest -------------------------------------------------------------------------


def supporter_ids_hidden_from(*, user) -> ExcludeIds:
    """The supporters a viewer must never be shown or offered (either of them said "I know this person"),
    as a lazy values queryset to pass as ``exclude_ids`` (a subquery: no query of its own). Nobody is
    hidden from a signed-out visitor."""
    if user is None or not user.is_authenticated:
        return ()
    return SupporterConflict.objects.filter(seeker_user_id=user.pk).values("supporter_id")


def conflict_exists(*, seeker_user_id: int, supporter_id: int) -> bool:
    """Whether this seeker and this supporter must never be matched. One query."""
    return SupporterConflict.objects.filter(seeker_user_id=seeker_user_id, supporter_id=supporter_id).exists()


def conflict_list_hidden_by_seeker(*, user) -> list[SupporterConflict]:
    """The supporters this seeker hid themselves (they can undo these), newest first, with the
    supporter. The ones a supporter raised are never listed to the seeker. One query."""
    return list(
        SupporterConflict.objects.filter(seeker_user_id=user.pk, raised_by=SupporterConflict.RaisedBy.SEEKER)
        .select_related("supporter")
        .order_by("-created_at")
    )
