"""Named reads for supporters: the directory, next available sessions, a profile's week, weekly hours."""

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peersnet.kernel.ids import parse_id

from . import fair_order
from .models import Slot, SupporterConflict, SupporterProfile, Tag, time_of_day_field
from .services import bookable_window, next_open_fresh
from .services.slots import slots_at_time_of_day


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
# Indexes these reads rely on: supporter (next_open_at, id) for the directory's order and its "48 hours"
# and "this week" filters (0005); slot (supporter, status, start) for the morning/evening subquery and a
# profile's week; slot (status, start) for "next available" across everyone; the tags through table's
# unique (supporterprofile_id, tag_id) for the tag Exists filters; leave (supporter, starts_at) for
# ``listed()``.

DIRECTORY_PAGE_SIZE = 12
NEXT_AVAILABLE_LIMIT = 20
PROFILE_WEEKS = 2  # the profile shows the open times of the next two weeks, one week at a time
FILTER_TAG_KINDS = (Tag.Kind.TOPIC, Tag.Kind.IDENTITY, Tag.Kind.LANGUAGE)


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
    # The chosen tags' ids by kind, when whoever built these filters knew them (the directory's form does,
    # from the cached filter tags): the query then probes the (supporter, tag) index with the ids instead
    # of joining the tag table for every supporter it reads. Not part of what the filters are: equality,
    # hashing and the query string ignore it.
    tag_ids: tuple[tuple[str, tuple[int, ...]], ...] = field(default=(), compare=False)

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
    elif when in (When.MORNINGS, When.EVENINGS):
        slots = slots_at_time_of_day(slots, when, viewer_tz)
    return slots


ExcludeIds = Iterable[int] | QuerySet


def _without(queryset: QuerySet, exclude_ids: ExcludeIds, field: str = "pk") -> QuerySet:
    """``queryset`` minus the supporters in ``exclude_ids`` (a list, or a values queryset, which stays a
    subquery: no extra query)."""
    if isinstance(exclude_ids, QuerySet) or exclude_ids:
        return queryset.exclude(**{f"{field}__in": exclude_ids})
    return queryset


def _excludes_anyone(exclude_ids: ExcludeIds) -> bool:
    """Whether a viewer-specific exclusion applies (then shared, per-filter caches don't)."""
    return isinstance(exclude_ids, QuerySet) or bool(exclude_ids)


def _supporters_matching(
    filters: DirectoryFilters, exclude_ids: ExcludeIds = ()
) -> QuerySet[SupporterProfile]:
    """Listed supporters matching the tag and text filters (not ``when``): one Exists per tag kind.
    ``exclude_ids``: supporters this viewer must never see (conflicts of interest)."""
    queryset = _without(SupporterProfile.objects.listed(), exclude_ids)
    through = SupporterProfile.tags.through
    known_ids = dict(filters.tag_ids)
    for kind, slugs in filters.tags_by_kind().items():
        if slugs:
            # With the ids known, each supporter read costs one probe of the (supporter, tag) index; with
            # slugs only, PostgreSQL joins every tag of every supporter it reads to the tag table (at
            # 10,000 supporters, 5,000 lookups for one page of the "evenings + a topic" filter).
            ids = known_ids.get(kind)
            chosen = (
                list(ids)
                if ids is not None
                else Tag.objects.filter(kind=kind, slug__in=list(slugs)).values("id")
            )
            queryset = queryset.filter(
                Exists(through.objects.filter(supporterprofile_id=OuterRef("pk"), tag_id__in=chosen))
            )
    q = filters.q.strip()
    if q:
        queryset = queryset.filter(Q(display_name__icontains=q) | Q(intro__icontains=q))
    return queryset


def _topic_tags_prefetch() -> Prefetch:
    return Prefetch("tags", queryset=Tag.objects.filter(kind=Tag.Kind.TOPIC), to_attr="topic_tags")


# What a card shows (``_card.html``), and what the directory filters and orders by: nothing else is read.
CARD_FIELDS = ("id", "display_name", "pronouns", "intro", "photo_medium", "next_open_at", "fair_rank")
# How long the directory's total for one set of filters is reused (seconds): the pager says "Page 2 of
# 40" from it. Short, since supporters come and go; a page past the end is clamped anyway.
DIRECTORY_COUNT_SECONDS = 60
_TIME_OF_DAY = (When.MORNINGS, When.EVENINGS)


def supporter_list_directory(
    *,
    filters: DirectoryFilters,
    viewer_tz: ZoneInfo,
    now: dt.datetime | None = None,
    exclude_ids: ExcludeIds = (),
    with_topic_tags: bool = True,
) -> QuerySet[SupporterProfile]:
    """Listed supporters matching ``filters``, soonest available first, for the directory.

    Each row has ``next_open``: the start of their earliest open bookable slot that matches the "when"
    filter (None when they have none; those come last), and ``topic_tags``: their topic tags in display
    order (prefetched: one extra query per evaluation; ``with_topic_tags=False`` leaves them to
    :func:`supporter_topic_tags_attach`, for the rows that need them). Ties (including everyone with no
    open time) are in a fair order that is the same all day and changes every day. With a "when" filter,
    supporters without a matching open slot are left out. Only the columns a card uses are read. Lazy.

    Without a "when" filter, and for "next 48 hours" and "this week" (ranges of instants that start at
    the minimum notice, so the earliest open slot is in them if any is), ``next_open`` is the stored
    ``next_open_at``, ordered on its index, so the cost does not grow with the number of supporters. A
    stored value that came within the minimum notice is not trusted: that supporter is left out until
    the every-minute refresh moves it on (``services.next_open_refresh_stale``), so the directory never
    shows a time that can't be booked. "Mornings" and "weekday evenings" depend on the viewer's wall
    clock: for the four US zones they are stored too (``next_<kind>_<region>``, same rules); a viewer
    in another zone gets them from the slot index, per supporter (exact, slower).
    """
    now = now or timezone.now()
    queryset = _supporters_matching(filters, exclude_ids).only(*CARD_FIELDS)
    stored_time_of_day = time_of_day_field(filters.when, str(viewer_tz))
    if stored_time_of_day:
        not_before, not_after = bookable_window(now)
        queryset = queryset.filter(
            **{f"{stored_time_of_day}__gte": not_before, f"{stored_time_of_day}__lte": not_after}
        ).annotate(next_open=F(stored_time_of_day))
    elif filters.when in _TIME_OF_DAY:
        open_slots = _open_slots(filters.when, viewer_tz=viewer_tz, now=now)
        next_open = open_slots.filter(supporter=OuterRef("pk")).order_by("start").values("start")[:1]
        queryset = queryset.annotate(next_open=Subquery(next_open, output_field=DateTimeField())).filter(
            next_open__isnull=False
        )
    else:
        not_before, _not_after = bookable_window(now)
        if filters.when == When.NEXT_48_HOURS:
            queryset = queryset.filter(next_open_fresh(now), next_open_at__lt=now + dt.timedelta(hours=48))
        elif filters.when == When.THIS_WEEK:
            today = now.astimezone(viewer_tz).date()
            week_end = _local_midnight(today + dt.timedelta(days=7 - today.weekday()), viewer_tz)
            queryset = queryset.filter(next_open_fresh(now), next_open_at__lt=week_end)
        else:
            queryset = queryset.filter(Q(next_open_at__gte=not_before) | Q(next_open_at__isnull=True))
        queryset = queryset.annotate(next_open=F("next_open_at"))
    queryset = queryset.order_by(F("next_open").asc(nulls_last=True), "fair_rank", "id")
    return queryset.prefetch_related(_topic_tags_prefetch()) if with_topic_tags else queryset


def supporter_topic_tags_attach(supporters: list[SupporterProfile]) -> None:
    """Set ``topic_tags`` on directory rows read without them: one query for all of them, none when the
    list is empty (the directory asks only for the cards it has to render again)."""
    if supporters:
        prefetch_related_objects(supporters, _topic_tags_prefetch())


@dataclass(frozen=True)
class DirectoryPage:
    supporters: list[SupporterProfile]
    number: int  # 1-based, always a page that exists
    num_pages: int  # at least 1
    count: int  # supporters matching, on all pages
    next_cursor: str = ""  # where the next page starts (``after=`` in its link), when there is one

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


class BadCursor(ValueError):
    """A page cursor that is malformed or from another day's order."""


def _cursor_for(supporter: SupporterProfile, now: dt.datetime) -> str:
    """Where the page after ``supporter`` starts: the day of the fair order, the next open time (epoch
    seconds, or "-"), the supporter's stored fair rank, the id. Plain digits, so it is safe in a URL as
    it is."""
    day = fair_order.day_of(now).toordinal()
    moment = "-" if supporter.next_open is None else str(int(supporter.next_open.timestamp()))
    return f"{day}.{moment}.{supporter.fair_rank}.{supporter.pk}"


def _after_cursor(cursor: str, now: dt.datetime) -> Q:
    """The rows after a cursor in the directory's order (next open nulls last, fair order, id).

    Raises BadCursor for anything that isn't one of ours, or one from another day (the fair order has
    changed since)."""
    parts = cursor.split(".")
    if len(cursor) > 60 or len(parts) != 4 or not all(parts):
        raise BadCursor(cursor)
    day, moment, raw_rank, raw_id = parts
    numbers = (day, raw_rank, raw_id) if moment == "-" else (day, moment, raw_rank, raw_id)
    if not all(part.isdigit() for part in numbers):
        raise BadCursor(cursor)
    if int(day) != fair_order.day_of(now).toordinal():
        raise BadCursor(cursor)
    pk, rank = int(raw_id), int(raw_rank)
    same_key_later = Q(fair_rank__gt=rank) | Q(fair_rank=rank, id__gt=pk)
    if moment == "-":
        return Q(next_open__isnull=True) & same_key_later
    try:
        at = dt.datetime.fromtimestamp(int(moment), tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise BadCursor(cursor) from None
    return Q(next_open__gt=at) | (Q(next_open=at) & same_key_later) | Q(next_open__isnull=True)


def _count_key(filters: DirectoryFilters, viewer_tz: ZoneInfo, now: dt.datetime) -> str:
    # "This week", mornings and evenings depend on the viewer's zone; the others do not.
    zone_name = str(viewer_tz) if filters.when and filters.when != When.NEXT_48_HOURS else ""
    # The window of time is in the key as well as in the cache's expiry: the total then follows the
    # application's clock (and a frozen one in tests) whatever the cache server's clock says.
    # Not the directory's generation: every booking anywhere moves it, and at 10,000 supporters counting
    # every match again after each one cost more than the rest of the page (bench/README.md). A total up
    # to a minute old is fine: the page clamps a page number past it, and the rows are always current.
    window = int(now.timestamp()) // DIRECTORY_COUNT_SECONDS
    raw = f"{filters.querystring()}|{zone_name}|{window}"
    return "supporters:directory-count:" + hashlib.sha256(raw.encode()).hexdigest()


def supporter_page_directory(
    *,
    filters: DirectoryFilters,
    viewer_tz: ZoneInfo,
    page: int = 1,
    after: str = "",
    per_page: int = DIRECTORY_PAGE_SIZE,
    now: dt.datetime | None = None,
    exclude_ids: ExcludeIds = (),
    with_topic_tags: bool = True,
) -> DirectoryPage:
    """One page of :func:`supporter_list_directory` and the total, without counting every matching
    supporter on every request.

    The total for a set of filters is kept in the cache for ``DIRECTORY_COUNT_SECONDS``; when it is not
    there, the page query takes it with ``COUNT(*) OVER ()`` (same query) and stores it. ``after`` is
    the cursor the previous page's "Next" link carries: the page then starts right after that row
    (keyset: an index range, not an OFFSET that walks every earlier row), while ``page`` is still the
    number shown. The page reads one row more than it shows, so "next" is right even when the cached total
    is a little old. A cursor that isn't ours or is from another day shows page 1. Three queries at most
    with the count known (the page, its topic tags); a cursor page whose total is not cached counts
    first (one more). A page below 1 means page 1; a page past the end means the last page and costs
    two more queries (a count, then that page). A viewer with ``exclude_ids`` (signed in: conflicts of
    interest) never shares the cached total: theirs is counted with the page, in the same query.
    """
    now = now or timezone.now()
    queryset = supporter_list_directory(
        filters=filters,
        viewer_tz=viewer_tz,
        now=now,
        exclude_ids=exclude_ids,
        with_topic_tags=with_topic_tags,
    )
    shared = not _excludes_anyone(exclude_ids)
    key = _count_key(filters, viewer_tz, now) if shared else None
    count = cache.get(key) if shared else None
    number = max(1, page)
    rows: list[SupporterProfile] = []
    keyset = None
    if after:
        try:
            keyset = _after_cursor(after, now)
        except BadCursor:
            number, keyset = 1, None
    if keyset is not None and number > 1:
        if count is None:
            count = queryset.count()
            if shared:
                cache.set(key, count, DIRECTORY_COUNT_SECONDS)
        rows = list(queryset.filter(keyset)[: per_page + 1])
    else:
        paged = queryset if count is not None else queryset.annotate(total_count=Window(Count("pk")))
        rows = list(paged[(number - 1) * per_page : number * per_page + 1])
        if rows and count is None:
            count = rows[0].total_count
            if shared:
                cache.set(key, count, DIRECTORY_COUNT_SECONDS)
    if not rows and number > 1:
        # Past the end: count again even with a cached total, which may be the very reason this page
        # was linked (fewer supporters match than a minute ago).
        count = queryset.count()
        if shared:
            cache.set(key, count, DIRECTORY_COUNT_SECONDS)
        number = max(1, -(-count // per_page))
        rows = list(queryset[(number - 1) * per_page : number * per_page]) if count else []
    if not rows and number == 1:
        count = 0  # nobody matches, whatever an older total said
    count = count or 0
    # One row past the page (read with it) says whether there is a next page, whatever a cached total a
    # little old says; the total then covers at least what was seen.
    more = len(rows) > per_page
    rows = rows[:per_page]
    if rows:
        count = max(count, (number - 1) * per_page + len(rows) + int(more))
    num_pages = max(1, -(-count // per_page))
    cursor = _cursor_for(rows[-1], now) if rows and number < num_pages else ""
    return DirectoryPage(supporters=rows, number=number, num_pages=num_pages, count=count, next_cursor=cursor)


def slot_list_next_available(
    *,
    filters: DirectoryFilters,
    viewer_tz: ZoneInfo,
    limit: int = NEXT_AVAILABLE_LIMIT,
    now: dt.datetime | None = None,
    exclude_ids: ExcludeIds = (),
) -> list[Slot]:
    """The earliest open bookable slots across all listed supporters matching ``filters``, soonest first.

    Sessions starting at the same time are in the day's fair order of supporters (their stored rank, as
    in the directory). Where the directory stores the next open time for these filters (no "when", "next
    48 hours", "this week", and mornings or evenings in the four US zones), the answer starts from its
    index, so the cost does not grow with the number of supporters; two queries:

    1. the first ``limit`` supporters in the directory's order (an index range); the last one's next open
       time is the latest a session in the answer can start, since each of them has a session by then;
    2. their open slots that start by then, in order, the first ``limit`` of them.

    No other supporter can be in the answer: anyone with a session before that time comes before the last
    one in the directory's order, so is among the first; and anyone else free first at exactly that time
    comes after all of the first who are, in the same fair order the sessions at that time are sorted by,
    while those cover every place left at that time (each of the others has a session before it).

    A stored time that came within the minimum notice is not trusted, as in the directory: that supporter
    is left out until the every-minute refresh moves it on. Mornings and evenings seen from other zones
    are found from the slots themselves (one query; the scan reads every open slot at the earliest
    matching hours).
    """
    now = now or timezone.now()
    open_slots = _open_slots(filters.when, viewer_tz=viewer_tz, now=now)
    if limit <= 0:
        return []
    if filters.when in _TIME_OF_DAY and not time_of_day_field(filters.when, str(viewer_tz)):
        return _next_available_from_slots(open_slots, filters, limit=limit, exclude_ids=exclude_ids)
    ordered = supporter_list_directory(
        filters=filters, viewer_tz=viewer_tz, now=now, exclude_ids=exclude_ids, with_topic_tags=False
    ).filter(next_open__isnull=False)
    first = list(ordered.values_list("pk", "next_open")[:limit])
    if not first:
        return []
    slots = open_slots.filter(supporter_id__in=[pk for pk, _start in first])
    if len(first) == limit:
        slots = slots.filter(start__lte=first[-1][1])
    return list(
        slots.select_related("supporter")
        .only("start", "end", "status", "supporter_id", "supporter__display_name")  # what the page shows
        .order_by("start", "supporter__fair_rank", "supporter_id")[:limit]
    )


def _next_available_from_slots(
    open_slots: QuerySet[Slot], filters: DirectoryFilters, *, limit: int, exclude_ids: ExcludeIds
) -> list[Slot]:
    """Next available for the filters the directory keeps no stored time for: the earliest slots first,
    walking the (status, start) index; the ``limit`` slots are picked before their supporters' rows are
    read (with many sessions at the same hour, joining every candidate's profile first would read
    hundreds)."""
    order = ("start", "supporter__fair_rank", "supporter_id")
    first = (
        open_slots.filter(supporter__in=_supporters_matching(filters, exclude_ids).values("pk"))
        .order_by(*order)
        .values("pk")[:limit]
    )
    return list(
        Slot.objects.filter(pk__in=first)
        .select_related("supporter")
        .only("start", "end", "status", "supporter_id", "supporter__display_name")  # what the page shows
        .order_by(*order)
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


@dataclass(frozen=True, slots=True)
class FilterTag:
    """A tag as the filter forms offer it: plain values, cheap to keep in and read from the cache."""

    pk: int
    kind: str
    slug: str
    name: str


def tag_list_for_filters() -> list[FilterTag]:
    """The tags the directory and the questionnaire filter by, in the vocabulary's order."""
    rows = Tag.objects.filter(kind__in=FILTER_TAG_KINDS).values_list("pk", "kind", "slug", "name")
    return [FilterTag(*row) for row in rows]


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
