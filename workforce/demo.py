"""Demo training cohorts for `manage.py seed_demo`: the next four quarters from today, each with eight
weekly live sessions. Idempotent: a cohort that exists (by year and quarter) is left as it is."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from .models import Cohort
from .services import training

PACIFIC = ZoneInfo("America/Los_Angeles")


def _quarter_start(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * (quarter - 1) + 1, 1)


def _first_monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def upcoming_quarters(today: dt.date, count: int = 4) -> list[tuple[int, int]]:
    """(year, quarter) of the ``count`` quarters after the current one."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    result = []
    for _ in range(count):
        quarter += 1
        if quarter == 5:
            year, quarter = year + 1, 1
        result.append((year, quarter))
    return result


@transaction.atomic
def seed_cohorts(today: dt.date | None = None) -> list[str]:
    """One cohort per coming quarter: applications open ten weeks before the quarter, registration four
    weeks before, kickoff on the quarter's first Monday; weekly 90-minute live sessions on Tuesdays at
    5pm Pacific."""
    today = today or timezone.localdate()
    made = 0
    for year, quarter in upcoming_quarters(today):
        if Cohort.objects.filter(year=year, quarter=quarter).exists():
            continue
        start = _quarter_start(year, quarter)
        kickoff = _first_monday_on_or_after(start)
        cohort = training.cohort_create(
            name=f"{year} Q{quarter}",
            year=year,
            quarter=quarter,
            applications_open=start - dt.timedelta(weeks=10),
            registration_start=start - dt.timedelta(weeks=4),
            kickoff=kickoff,
            capacity=20,
        )
        first = dt.datetime.combine(kickoff + dt.timedelta(days=1), dt.time(17), tzinfo=PACIFIC)
        training.live_sessions_add_weekly(cohort=cohort, first_start=first, count=8, duration_minutes=90)
        made += 1
    return [f"Training cohorts: {made} added for the coming quarters (see the Become a supporter page)."]
