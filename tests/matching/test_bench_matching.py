"""A tiny run of matching's benchmark rows (bench/matching.py): they are measured, and their query
counts are the same at 5 and 50 supporters. Timings are printed by `manage.py bench`, never asserted."""

import pytest

from bench.matching import measure_matching
from bench.seed import seed

pytestmark = pytest.mark.django_db


def test_matching_bench_rows_and_query_counts_are_the_same_at_5_and_50_supporters(frozen):
    seed(supporters=5)
    at_5 = measure_matching(repeat=1)
    assert [row.name.split(" (")[0].split(" `")[0] for row in at_5] == [
        "matching: score and rank suggestions",
        "matching: suggestions page",
    ]
    assert all(len(row.timings_ms) == 1 and row.queries > 0 for row in at_5)
    seed(supporters=45, first_number=6)
    at_50 = measure_matching(repeat=1)
    assert [row.queries for row in at_50] == [row.queries for row in at_5]
