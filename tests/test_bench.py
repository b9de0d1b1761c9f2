"""A tiny run of the benchmark (bench/): every row is measured, and query counts do not grow with N.

Timings are printed by `manage.py bench`, never asserted here.
"""

import pytest

from bench.directory import format_report, measure, run
from bench.seed import seed
from supporters.models import Slot, SupporterProfile

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


def test_bench_seed_makes_supporters_with_eight_weeks_of_slots_about_thirty_percent_taken():
    seeded = seed(supporters=20)
    assert SupporterProfile.objects.listed().count() == 20
    slots = Slot.objects.filter(supporter_id__in=seeded.supporter_ids)
    assert slots.count() == seeded.slots > 20 * 4 * 8
    taken = slots.exclude(status=Slot.Status.OPEN).count()
    assert taken == seeded.taken
    assert 0.2 < taken / seeded.slots < 0.4
    first, last = slots.order_by("start").first(), slots.order_by("start").last()
    assert (last.start - first.start).days >= 7 * 8 - 2


def test_bench_table_has_every_row_and_query_counts_are_the_same_at_5_and_50_supporters():
    report = run(supporters=5, repeat=1, roll_repeat=1, explain=True)
    table = format_report(report, repeat=1, roll_repeat=1)
    assert [row.name.split(" `")[0].split(",")[0] for row in report.rows] == [
        "baseline: a static page",
        "directory page 1",
        "directory filtered (topic + weekday evenings)",
        "next available",
        "profile",
        "profile",
        "regenerate one supporter's slots after a rule change",
        "daily horizon roll",
    ]
    for name in ROWS:
        assert f"| {name}" in table
    assert "| measurement | median | p95 | of which SQL (median) | queries | target (median) | met |" in table
    assert all(len(row.timings_ms) == 1 for row in report.rows)
    assert all(row.queries > 0 for row in report.rows[1:])
    assert "directory page 1" in report.plans

    ids = list(SupporterProfile.objects.order_by("pk").values_list("pk", flat=True))
    more = seed(supporters=45, first_number=6)
    rows_at_50, _plans = measure(supporter_ids=ids + more.supporter_ids, repeat=1, roll_repeat=1)
    pages_and_regeneration = slice(0, 7)
    at_5 = [(row.name.split(" `")[0], row.queries) for row in report.rows[pages_and_regeneration]]
    at_50 = [(row.name.split(" `")[0], row.queries) for row in rows_at_50[pages_and_regeneration]]
    assert at_50 == at_5
    # The daily roll is one small transaction per supporter by design: its count grows with N.
    assert rows_at_50[-1].queries > report.rows[-1].queries
