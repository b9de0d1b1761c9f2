"""Benchmark of the directory, profiles and slot inventory (issue 3, "Speed").

Seeds N supporters with eight weeks of slots (30% of them taken), then measures the server time
(median and 95th percentile) and SQL query count of the pages seekers use most and of the slot
regeneration work. Runs on whatever database the default connection points at: the management command
``manage.py bench`` makes a throwaway one first; the smoke test uses the test database.

Server time is the time Django's test client needs for a GET through the whole middleware stack and
template rendering (no network, no WSGI server), measured after warm-up requests.
"""

import datetime as dt
import math
import os
import platform
import re
import sqlite3
import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import django
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from supporters import directory_cache
from supporters.models import AvailabilityRule, HorizonRoll, SupporterProfile
from supporters.services import next_open_refresh_stale, slots_regenerate, slots_roll_horizon

from .seed import FILTER_TOPIC, ZONE_OFFSETS, analyze, seed

# The pages measured. The filtered directory asks for a topic a third of the supporters have, and for
# weekday evenings (everyone seeded has at least one evening window).
URL_BASELINE = "/pricing/"  # a static page through the same middleware and base template, for scale
URL_DIRECTORY = "/supporters/"
URL_DIRECTORY_FILTERED = "/supporters/?topic={topic}&when=evenings"
URL_NEXT_AVAILABLE = "/supporters/next-available/"
URL_PROFILE = "/supporters/{supporter_id}/"
URL_PROFILE_NEXT_WEEK = "/supporters/{supporter_id}/?week=1"

# Targets from issue 3 (PostgreSQL, 1,000 supporters, median server time), in milliseconds.
TARGET_DIRECTORY_MS = 30
TARGET_NEXT_AVAILABLE_MS = 50
TARGET_PROFILE_MS = 10
TARGET_REGENERATION_MS = 100
TARGET_ROLL_MS = 60_000
# Issue 19's targets at 10,000 supporters (and more): the same pages, a tenfold directory.
LARGE = 10_000
TARGETS_LARGE = {
    "directory page 1": 15,
    "directory filtered (topic + weekday evenings)": 20,
    "next available": 10,
    "profile, this week's slots": 10,
    "profile, next week's slots": 10,
    "regenerate": TARGET_REGENERATION_MS,
    "roll": 20_000,
}
# Issue 19: every public page within this multiple of the static floor.
TARGET_FLOOR_MULTIPLE = 5


@dataclass
class Row:
    """One line of the table: a measurement, its timings and its query count."""

    name: str
    timings_ms: list[float]
    queries: int
    target_ms: float | None
    sql_ms: list[float] = field(default_factory=list)  # time inside the database driver, per run
    page: bool = False  # a public page (shown as a multiple of the static floor)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.timings_ms)

    @property
    def sql_median_ms(self) -> float | None:
        return statistics.median(self.sql_ms) if self.sql_ms else None

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.timings_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def met(self) -> bool | None:
        return None if self.target_ms is None else self.median_ms <= self.target_ms


@dataclass
class Report:
    supporters: int
    slots: int
    taken: int
    seed_seconds: float
    rows: list[Row] = field(default_factory=list)
    machine: dict[str, str] = field(default_factory=dict)
    plans: dict[str, str] = field(default_factory=dict)


# --- Measuring -----------------------------------------------------------------------------------


@contextmanager
def production_like():
    """Measure without DEBUG's per-query bookkeeping; the test client's host is allowed. The directory
    cache is off (``DIRECTORY_CACHE_SECONDS=0``): these rows measure each page's own work, every time;
    ``--http`` measures the pages with the cache, as visitors get them."""
    with override_settings(
        DEBUG=False, ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False, DIRECTORY_CACHE_SECONDS=0
    ):
        yield


def _first_supporter_shown(client: Client, url: str) -> int:
    """The first supporter a page links to (a directory card, a next-available row, the profile itself)."""
    found = re.search(r'href="/supporters/(\d+)/', client.get(url).content.decode())
    assert found, f"{url} shows no supporter"
    return int(found.group(1))


def time_get(
    client: Client, url: str, *, repeat: int, warmup: int = 3, before_each: Callable[[], object] | None = None
) -> tuple[list[float], list[float], int, list[dict]]:
    """Timings (ms) of ``repeat`` GETs after ``warmup`` untimed ones, the SQL time (ms) within each, the
    query count of one more GET, and that GET's queries (for EXPLAIN). ``before_each()`` runs untimed
    before every GET."""
    before_each = before_each or (lambda: None)
    for _ in range(warmup):
        before_each()
        _get_ok(client, url)
    timings, sql_timings = [], []
    for _ in range(repeat):
        before_each()
        sql = _SqlTimer()
        with connection.execute_wrapper(sql):
            started = time.perf_counter()
            _get_ok(client, url)
            timings.append((time.perf_counter() - started) * 1000)
        sql_timings.append(sql.ms)
    before_each()
    with CaptureQueriesContext(connection) as ctx:
        _get_ok(client, url)
    return timings, sql_timings, len(ctx.captured_queries), ctx.captured_queries


def _get_ok(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")


def time_call(
    call: Callable[[int], object], *, repeat: int, before_each: Callable[[int], object] | None = None
) -> tuple[list[float], list[float], int]:
    """Timings (ms) of ``call(i)`` for i in 0..repeat-1, the SQL time (ms) within each, and the query
    count of further calls: the largest of two, so that a ``before_each`` alternating between two kinds
    of change (adding and removing a window) is counted at its larger one whatever ``repeat`` is.
    ``before_each(i)`` runs untimed before each call."""
    timings, sql_timings = [], []
    for i in range(repeat):
        if before_each:
            before_each(i)
        sql = _SqlTimer()
        with connection.execute_wrapper(sql):
            started = time.perf_counter()
            call(i)
            timings.append((time.perf_counter() - started) * 1000)
        sql_timings.append(sql.ms)
    counts = []
    for i in (repeat, repeat + 1) if before_each else (repeat,):
        if before_each:
            before_each(i)
        with CaptureQueriesContext(connection) as ctx:
            call(i)
        counts.append(len(ctx.captured_queries))
    return timings, sql_timings, max(counts)


class _SqlTimer:
    """Adds up the time spent in the database driver (query, transfer), to tell SQL from Python."""

    def __init__(self):
        self.ms = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000
            self.count += 1


def measure(
    *, supporter_ids: list[int], repeat: int, roll_repeat: int, explain: bool = False
) -> tuple[list[Row], dict[str, str]]:
    """Measure every row of the table on the data already in the database."""
    client = Client()
    sample = supporter_ids[len(supporter_ids) // 2]
    large = len(supporter_ids) >= LARGE
    pages = [
        ("baseline: a static page", URL_BASELINE, None),
        ("directory page 1", URL_DIRECTORY, TARGET_DIRECTORY_MS),
        ("directory filtered (topic + weekday evenings)", URL_DIRECTORY_FILTERED, None),
        ("next available", URL_NEXT_AVAILABLE, TARGET_NEXT_AVAILABLE_MS),
        ("profile, this week's slots", URL_PROFILE, TARGET_PROFILE_MS),
        ("profile, next week's slots", URL_PROFILE_NEXT_WEEK, TARGET_PROFILE_MS),
    ]
    if large:
        pages = [(name, url, TARGETS_LARGE.get(name, target)) for name, url, target in pages]
    rows, plans = [], {}
    # What beat does every minute: stored next open times that came within the notice since seeding.
    next_open_refresh_stale()
    with production_like():
        for name, template, target in pages:
            url = template.format(topic=FILTER_TOPIC, supporter_id=sample)
            timings, sql_timings, queries, captured = time_get(client, url, repeat=repeat)
            rows.append(
                Row(f"{name} `{url}`", timings, queries, target, sql_timings, page=name != pages[0][0])
            )
            if explain:
                plans[name] = explain_slowest(captured)

        # The same pages with the directory cache on, as a signed-out visitor gets them. "Page missed":
        # just before each request, someone this page shows changed, as a booking with them does (the
        # first supporter it shows; the profile's own supporter), so the page is rendered again with
        # that supporter's card, while the other cards, the filter form and the filter tags are kept.
        # "From the cache": nothing changed in between.
        with override_settings(DIRECTORY_CACHE_SECONDS=600):
            for name, template, target in pages[1:]:
                url = template.format(topic=FILTER_TOPIC, supporter_id=sample)
                shown = _first_supporter_shown(client, url)

                def booked_with_someone_shown(supporter_id: int = shown) -> None:
                    directory_cache.directory_changed(supporter_id=supporter_id)

                timings, sql_timings, queries, _ = time_get(
                    client, url, repeat=repeat, before_each=booked_with_someone_shown
                )
                rows.append(
                    Row(f"{name}, page missed `{url}`", timings, queries, target, sql_timings, page=True)
                )
            for name, template, _target_ms in pages[1:]:
                url = template.format(topic=FILTER_TOPIC, supporter_id=sample)
                timings, sql_timings, queries, _ = time_get(client, url, repeat=repeat)
                rows.append(
                    Row(f"{name}, from the cache `{url}`", timings, queries, None, sql_timings, page=True)
                )

        # One supporter's regeneration after a weekly rule changed: every other run adds a window on a
        # free weekday, the next removes it, so each run inserts or deletes that window's slots.
        used = set(AvailabilityRule.objects.filter(supporter_id=sample).values_list("weekday", flat=True))
        free_day = min(set(range(5)) - used)
        zone = SupporterProfile.objects.get(pk=sample).time_zone
        start_hour = 10 + ZONE_OFFSETS[zone]

        def toggle_rule(i: int) -> None:
            if i % 2 == 0:
                AvailabilityRule.objects.create(
                    supporter_id=sample,
                    weekday=free_day,
                    start_time=dt.time(start_hour),
                    end_time=dt.time(start_hour + 3),
                )
            else:
                AvailabilityRule.objects.filter(supporter_id=sample, weekday=free_day).delete()

        timings, sql_timings, queries = time_call(
            lambda i: slots_regenerate(supporter_id=sample), repeat=repeat, before_each=toggle_rule
        )
        AvailabilityRule.objects.filter(supporter_id=sample, weekday=free_day).delete()
        slots_regenerate(supporter_id=sample)
        rows.append(
            Row(
                "regenerate one supporter's slots after a rule change",
                timings,
                queries,
                TARGETS_LARGE["regenerate"] if large else TARGET_REGENERATION_MS,
                sql_timings,
            )
        )

        # The daily roll: each run pretends to be one day later, so the horizon really moves.
        # (Its queries are counted by the timer: CaptureQueriesContext keeps at most 9,000.)
        roll_timings, roll_sql, roll_queries = [], [], 0
        base = timezone.now()
        # Each run on a day after any run so far (a run repeated the same day does almost nothing).
        latest = HorizonRoll.objects.order_by("-day").values_list("day", flat=True).first()
        if latest is not None and latest >= base.astimezone(dt.UTC).date():
            base += latest - base.astimezone(dt.UTC).date()
        for day in range(1, roll_repeat + 1):
            sql = _SqlTimer()
            with connection.execute_wrapper(sql):
                started = time.perf_counter()
                slots_roll_horizon(now=base + dt.timedelta(days=day))
                roll_timings.append((time.perf_counter() - started) * 1000)
            roll_sql.append(sql.ms)
            roll_queries = sql.count
        rows.append(
            Row(
                f"daily horizon roll, all {len(supporter_ids)} supporters",
                roll_timings,
                roll_queries,
                TARGETS_LARGE["roll"] if large else TARGET_ROLL_MS,
                roll_sql,
            )
        )
    return rows, plans


def explain_slowest(captured: list[dict]) -> str:
    """The plan of the slowest query of a request (EXPLAIN ANALYZE on PostgreSQL, QUERY PLAN on SQLite)."""
    if not captured:
        return ""
    slowest = max(captured, key=lambda q: float(q.get("time") or 0))
    sql = slowest["sql"]
    shown = sql if len(sql) <= 600 else sql[:600] + " …"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        lines = [" ".join(str(col) for col in row) for row in cursor.fetchall()]
    return f"{shown}\n" + "\n".join(lines)


# --- Report --------------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    elif connection.vendor == "sqlite":
        database = f"SQLite {sqlite3.sqlite_version}"
    else:
        database = connection.vendor
    try:
        load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = "unknown"
    return {
        "load": load,
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "database": database,
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def run(*, supporters: int = 1000, repeat: int = 30, roll_repeat: int = 1, explain: bool = False) -> Report:
    """Seed ``supporters`` into the current (empty, throwaway) database and measure everything."""
    # Other work on the machine shows up in the timings: the load average is printed with them.
    before = machine()
    started = time.perf_counter()
    seeded = seed(supporters=supporters)
    analyze()
    report = Report(
        supporters=supporters,
        slots=seeded.slots,
        taken=seeded.taken,
        seed_seconds=time.perf_counter() - started,
        machine=before,
    )
    report.rows, report.plans = measure(
        supporter_ids=seeded.supporter_ids, repeat=repeat, roll_repeat=roll_repeat, explain=explain
    )
    report.machine["load_after"] = machine()["load"]
    return report


def _duration(ms: float) -> str:
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms:.1f} ms"


def _target(ms: float | None) -> str:
    if ms is None:
        return "–"
    return f"≤ {ms / 1000:g} s" if ms >= 10_000 else f"≤ {ms:g} ms"


def format_report(report: Report, *, repeat: int, roll_repeat: int) -> str:
    m = report.machine
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores; {m['database']}; "
        f"Python {m['python']}, Django {m['django']}",
        f"Load average (1, 5, 15 min) before: {m['load']}; after: {m.get('load_after', '?')}",
        f"Data: {report.supporters} supporters, {report.slots} slots over 8 weeks, {report.taken} taken "
        f"({report.taken / max(report.slots, 1):.0%}); seeded in {report.seed_seconds:.1f} s",
        f"Runs: {repeat} timed requests per page after 3 warm-up requests; daily roll run {roll_repeat}×",
        "",
        "| measurement | median | p95 | of which SQL (median) | queries | target (median) | met |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for row in report.rows:
        met = "–" if row.met is None else ("yes" if row.met else "**no**")
        lines.append(
            f"| {row.name} | {_duration(row.median_ms)} | {_duration(row.p95_ms)} "
            f"| {'–' if row.sql_median_ms is None else _duration(row.sql_median_ms)} | {row.queries} "
            f"| {_target(row.target_ms)} | {met} |"
        )
    floor = report.rows[0].median_ms if report.rows else 0
    if floor > 0:
        lines += [
            "",
            f"Pages as a multiple of the static floor (`{URL_BASELINE}`, {_duration(floor)} median; "
            f"target ≤ {TARGET_FLOOR_MULTIPLE}×):",
            "",
            "| page | median | × floor | within |",
            "|---|---:|---:|---|",
        ]
        for row in (row for row in report.rows if row.page):
            multiple = row.median_ms / floor
            within = "yes" if multiple <= TARGET_FLOOR_MULTIPLE else "**no**"
            lines.append(f"| {row.name} | {_duration(row.median_ms)} | {multiple:.1f}× | {within} |")
    for name, plan in report.plans.items():
        lines += ["", f"Slowest query of {name}:", "```", plan, "```"]
    return "\n".join(lines)
