"""The SLA clock: deadlines counted in operating hours (Pacific time), across a weekend, both DST changes,
from outside the hours and at the exact boundaries; and how a deadline reads on the queue."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from safety.clock import add_operating_hours, flag_due_at, reading
from supporters.models import OperatingHours
from supporters.services import DEFAULT_OPERATING_HOURS

LA = ZoneInfo("America/Los_Angeles")
ALL_WEEK = {weekday: (dt.time(0), dt.time(23, 59)) for weekday in range(7)}  # 23:59 means midnight


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LA)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (at(2026, 11, 30, 10), 4, at(2026, 11, 30, 14)),  # Monday, inside the hours
        (at(2026, 12, 4, 19), 4, at(2026, 12, 7, 11)),  # Friday evening: across the weekend
        (at(2026, 12, 5, 12), 4, at(2026, 12, 7, 13)),  # Saturday: starts outside the hours
        (at(2026, 11, 30, 7), 4, at(2026, 11, 30, 13)),  # before opening
        (at(2026, 11, 30, 22), 4, at(2026, 12, 1, 13)),  # after closing
        (at(2026, 11, 30, 17), 4, at(2026, 11, 30, 21)),  # ends exactly at closing: that day
        (at(2026, 11, 30, 21), 4, at(2026, 12, 1, 13)),  # starts exactly at closing
        (at(2026, 11, 30, 9), 12, at(2026, 11, 30, 21)),  # a whole day, to the minute
        (at(2026, 11, 30, 9), 0, at(2026, 11, 30, 9)),
        (at(2026, 11, 30, 20, 30), 0.75, at(2026, 12, 1, 9, 15)),  # minutes carry over
        (at(2026, 12, 4, 20), 60, at(2026, 12, 11, 20)),  # five full working days later
    ],
)
def test_add_operating_hours_with_the_default_hours(start, hours, due):
    assert add_operating_hours(start, hours, opening=DEFAULT_OPERATING_HOURS) == due


def test_across_spring_forward_the_weekend_still_counts_no_hours():
    # 8 March 2026: clocks go from 2:00 PST to 3:00 PDT. Friday 7 PM PST + 4 h = Monday 11 AM PDT.
    due = add_operating_hours(at(2026, 3, 6, 19), 4, opening=DEFAULT_OPERATING_HOURS)
    assert due == at(2026, 3, 9, 11)
    assert due.astimezone(dt.UTC) == dt.datetime(2026, 3, 9, 18, tzinfo=dt.UTC)  # PDT: UTC-7


def test_across_fall_back_the_weekend_still_counts_no_hours():
    # 1 November 2026: clocks go from 2:00 PDT back to 1:00 PST.
    due = add_operating_hours(at(2026, 10, 30, 19), 4, opening=DEFAULT_OPERATING_HOURS)
    assert due == at(2026, 11, 2, 11)
    assert due.astimezone(dt.UTC) == dt.datetime(2026, 11, 2, 19, tzinfo=dt.UTC)  # PST: UTC-8


def test_on_the_day_the_clocks_change_real_hours_are_counted():
    # Open all day on the change days: the short day has 23 real hours, the long one 25.
    spring = add_operating_hours(at(2026, 3, 8, 0), 4, opening=ALL_WEEK)
    assert spring - at(2026, 3, 8, 0) == dt.timedelta(hours=4)
    assert spring == at(2026, 3, 8, 5)  # 2 AM never happened that night
    autumn = add_operating_hours(at(2026, 11, 1, 0), 4, opening=ALL_WEEK)
    assert autumn - at(2026, 11, 1, 0) == dt.timedelta(hours=4)
    assert autumn == at(2026, 11, 1, 3)  # 1 AM happened twice
    assert add_operating_hours(at(2026, 3, 8, 0), 23, opening=ALL_WEEK) == at(2026, 3, 9, 0)
    assert add_operating_hours(at(2026, 11, 1, 0), 25, opening=ALL_WEEK) == at(2026, 11, 2, 0)


@pytest.mark.django_db
def test_the_staff_editable_hours_are_used(settings):
    settings.SAFETY_FLAG_ACK_HOURS = 4
    # Staff open Saturdays 10–14 only.
    OperatingHours.objects.create(weekday=5, opens_at=dt.time(10), closes_at=dt.time(14))
    assert flag_due_at(at(2026, 12, 4, 12)) == at(2026, 12, 5, 14)
    assert flag_due_at(at(2026, 12, 5, 13)) == at(2026, 12, 12, 13)


@pytest.mark.django_db
def test_flag_due_at_reads_the_setting(settings):
    settings.SAFETY_FLAG_ACK_HOURS = 2
    assert flag_due_at(at(2026, 11, 30, 20)) == at(2026, 12, 1, 10)


def test_no_operating_hours_at_all_falls_back_to_plain_hours():
    assert add_operating_hours(at(2026, 11, 30, 10), 4, opening={}) == at(2026, 11, 30, 14)


@pytest.mark.parametrize(
    ("due", "state", "text"),
    [
        (None, "none", "No deadline"),
        (at(2026, 11, 30, 13, 20), "ok", "3 h 20 min left"),
        (at(2026, 11, 30, 10, 45), "soon", "45 min left"),
        (at(2026, 11, 30, 10), "overdue", "Overdue by 1 min"),
        (at(2026, 11, 30, 7, 30), "overdue", "Overdue by 2 h 30 min"),
        (at(2026, 11, 27, 10), "overdue", "Overdue by 3 d"),
    ],
)
def test_reading_says_time_left_or_overdue_in_words(due, state, text):
    now = at(2026, 11, 30, 10)
    got = reading(due, now)
    assert (got.state, got.text) == (state, text)
