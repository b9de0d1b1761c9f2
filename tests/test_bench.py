"""A tiny run of the benchmark (bench/): every row is measured, and query counts do not grow with N.

Timings are printed by `manage.py bench`, never asserted here.
"""

import datetime as dt
import re

import pytest
import time_machine

from bench.directory import format_report, measure, run
from bench.seed import seed
from supporters.models import Slot, SupporterProfile
from supporters.services import bookable_window

pytestmark = pytest.mark.django_db

ROWS = [
    "baseline: a static page",
    "directory page 1",
    "directory filtered",
    "next available",
    "profile, this week",
    "profile, next week",
    "regenerate one supporter",
    "daily horizon roll",
]


@pytest.mark.parametrize(
    "now",
    [
        # A weekday morning, a Saturday, a Sunday and a Monday morning before operating hours: the
        # first and last open days of the horizon move with the weekday, so each is pinned here.
        dt.datetime(2026, 12, 2, 17, 30, tzinfo=dt.UTC),  # Wednesday 09:30 Pacific
        dt.datetime(2026, 12, 5, 20, 0, tzinfo=dt.UTC),  # Saturday
        dt.datetime(2026, 12, 6, 20, 0, tzinfo=dt.UTC),  # Sunday
        dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC),  # Monday 07:00 Pacific
    ],
    ids=["wednesday", "saturday", "sunday", "monday-morning"],
)
def test_bench_seed_makes_supporters_with_eight_weeks_of_slots_about_thirty_percent_taken(now):
    with time_machine.travel(now, tick=False):
        seeded = seed(supporters=20)
        not_before, not_after = bookable_window()
    assert SupporterProfile.objects.listed().count() == 20
    slots = Slot.objects.filter(supporter_id__in=seeded.supporter_ids)
    assert slots.count() == seeded.slots > 20 * 4 * 8
    taken = slots.exclude(status=Slot.Status.OPEN).count()
    assert taken == seeded.taken
    assert 0.2 < taken / seeded.slots < 0.4
    first, last = slots.order_by("start").first(), slots.order_by("start").last()
    # Slots fill the whole bookable window: the first in its first week, the last in its last week
    # (sessions are weekdays only, so the span depends on the weekday the window opens).
    assert not_before <= first.start < not_before + dt.timedelta(days=7)
    assert not_after - dt.timedelta(days=7) < last.start <= not_after


def test_bench_table_has_every_row_and_query_counts_are_the_same_at_5_and_50_supporters():
    report = run(supporters=5, repeat=1, roll_repeat=1, explain=True)
    table = format_report(report, repeat=1, roll_repeat=1)
    pages = [
        "directory page 1",
        "directory filtered (topic + weekday evenings)",
        "next available",
        "profile, this week's slots",
        "profile, next week's slots",
    ]
    assert [row.name.split(" `")[0] for row in report.rows] == [
        "baseline: a static page",
        *pages,
        *[f"{page}, page missed" for page in pages],
        *[f"{page}, from the cache" for page in pages],
        "regenerate one supporter's slots after a rule change",
        "daily horizon roll, all 5 supporters",
    ]
    for name in ROWS:
        assert f"| {name}" in table
    assert "| measurement | median | p95 | of which SQL (median) | queries | target (median) | met |" in table
    assert all(len(row.timings_ms) == 1 for row in report.rows)
    cold, missed, cached = report.rows[1:6], report.rows[6:11], report.rows[11:16]
    assert all(row.queries > 0 for row in [*cold, *missed, *report.rows[16:]])
    # A page missed still reads its rows; one from the cache reads less (the directory pages nothing).
    assert all(hit.queries < miss.queries for hit, miss in zip(cached, missed, strict=True))
    assert cached[0].queries == cached[1].queries == cached[2].queries == 0
    assert "directory page 1" in report.plans

    ids = list(SupporterProfile.objects.order_by("pk").values_list("pk", flat=True))
    more = seed(supporters=45, first_number=6)
    rows_at_50, _plans = measure(supporter_ids=ids + more.supporter_ids, repeat=1, roll_repeat=1)
    pages_and_regeneration = slice(0, 17)
    at_5 = [(row.name.split(" `")[0], row.queries) for row in report.rows[pages_and_regeneration]]
    at_50 = [(row.name.split(" `")[0], row.queries) for row in rows_at_50[pages_and_regeneration]]
    assert at_50 == at_5
    # The daily roll is set-based, a batch of 500 supporters at a time: 5 and 50 are one batch each, so
    # its count does not grow either.
    assert rows_at_50[-1].queries == report.rows[-1].queries
    # Every public page, in all three ways, is shown against the static floor.
    assert len([line for line in table.splitlines() if re.search(r"\d× \| (yes|\*\*no\*\*) \|$", line)]) == 15
    assert "× floor" in table


def test_messaging_bench_measures_every_row_with_query_counts_that_do_not_grow():
    from bench.messaging import format_messaging, measure_messaging

    seed(supporters=3)
    small_rows, small = measure_messaging(messages=300, repeat=1)
    assert small["messages"] >= 300 and small["conversations"] == 15
    seed(supporters=6, first_number=100)
    large_rows, large = measure_messaging(messages=1200, repeat=1)
    assert [r.queries for r in small_rows] == [r.queries for r in large_rows]
    table = format_messaging(large_rows, large, repeat=1)
    assert "thread page, 200 messages" in table and "send a message" in table and "Messages list" in table


@time_machine.travel(dt.datetime(2026, 12, 2, 17, 30, tzinfo=dt.UTC), tick=False)
def test_dashboard_bench_seeds_bookings_and_its_query_count_does_not_grow():
    from bench.dashboard import format_dashboard, measure_dashboard
    from bookings.models import Booking
    from payments.models import Payment

    seed(supporters=5)
    small_rows, small, _plan = measure_dashboard(bookings=200, repeat=1)
    assert small["bookings"] == Booking.objects.count() == 200
    assert Booking.objects.filter(status=Booking.Status.REQUESTED).exists()
    assert Payment.objects.filter(status=Payment.Status.SUCCEEDED).count() > 100
    seed(supporters=50, first_number=100)
    large_rows, large, plan = measure_dashboard(bookings=2000, repeat=1, explain=True)
    assert large["bookings"] == 2000 and Booking.objects.count() == 2200
    assert [r.queries for r in small_rows] == [r.queries for r in large_rows]
    table = format_dashboard(large_rows, large, repeat=1, plan=plan)
    assert "| operations dashboard `/staff/dashboard/`" in table and "× the static floor" in table
    assert "slowest six" in plan
