"""Pure slot arithmetic (supporters/availability.py): no database, just wall clocks, zones and instants."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from supporters.availability import (
    DateRange,
    Window,
    hour_starts,
    local_instant,
    slot_starts,
    windows_overlap,
    within_operating_hours,
)

UTC = dt.UTC
PT = ZoneInfo("America/Los_Angeles")
ET = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS_9_TO_9 = {day: (dt.time(9), dt.time(21)) for day in range(5)}
ALL_DAY_EVERY_DAY = {day: (dt.time(0), dt.time(23, 59)) for day in range(7)}


def t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def hours_of(window: Window) -> list[str]:
    return [f"{value:%H:%M}" for value in hour_starts(window)]


def starts(
    windows,
    *,
    tz=PT,
    first: str,
    last: str,
    blocked=(),
    hours=WEEKDAYS_9_TO_9,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
) -> list[dt.datetime]:
    return slot_starts(
        windows=windows,
        tz=tz,
        first_day=d(first),
        last_day=d(last),
        not_before=not_before or utc("2000-01-01T00:00"),
        not_after=not_after or utc("2100-01-01T00:00"),
        blocked=blocked,
        operating_hours=hours,
        ops_tz=PT,
    )


def wall(instants: list[dt.datetime], tz: ZoneInfo) -> list[str]:
    return [f"{value.astimezone(tz):%Y-%m-%d %H:%M}" for value in instants]


# --- hour_starts ----------------------------------------------------------------------------


def test_hour_starts_whole_hours_that_fit_a_paid_hour():
    assert hours_of(Window(MON, t("17:00"), t("20:00"))) == ["17:00", "18:00", "19:00"]


def test_hour_starts_window_starting_on_the_half_hour_begins_at_the_next_hour():
    assert hours_of(Window(MON, t("17:30"), t("20:00"))) == ["18:00", "19:00"]
    assert hours_of(Window(MON, t("17:30"), t("20:30"))) == ["18:00", "19:00"]


def test_hour_starts_window_ending_on_the_half_hour_drops_the_hour_that_does_not_fit():
    assert hours_of(Window(MON, t("17:00"), t("19:30"))) == ["17:00", "18:00"]


def test_hour_starts_window_ending_2359_counts_as_midnight():
    assert hours_of(Window(MON, t("22:00"), t("23:59"))) == ["22:00", "23:00"]
    assert hours_of(Window(MON, t("23:00"), t("23:59"))) == ["23:00"]


def test_hour_starts_window_ending_2358_is_not_midnight():
    assert hours_of(Window(MON, t("22:00"), t("23:58"))) == ["22:00"]


@pytest.mark.parametrize(
    ("start", "end"),
    [("17:00", "17:50"), ("17:30", "18:15"), ("17:01", "18:00"), ("23:30", "23:59"), ("09:00", "09:59")],
)
def test_hour_starts_too_short_window_gives_nothing(start, end):
    assert hours_of(Window(MON, t(start), t(end))) == []


def test_hour_starts_whole_day():
    assert len(hours_of(Window(MON, t("00:00"), t("23:59")))) == 24


def test_hour_starts_start_with_seconds_is_not_on_the_hour():
    assert hours_of(Window(MON, dt.time(17, 0, 30), t("19:00"))) == ["18:00"]


# --- local_instant --------------------------------------------------------------------------


def test_local_instant_uses_the_offset_of_that_day():
    assert local_instant(d("2027-03-08"), t("09:00"), PT) == utc("2027-03-08T17:00")  # PST, UTC-8
    assert local_instant(d("2027-03-15"), t("09:00"), PT) == utc("2027-03-15T16:00")  # PDT, UTC-7


def test_local_instant_time_in_the_spring_forward_gap_does_not_exist():
    assert local_instant(d("2027-03-14"), t("02:00"), PT) is None
    assert local_instant(d("2027-03-14"), t("02:30"), PT) is None
    assert local_instant(d("2027-03-14"), t("03:00"), PT) == utc("2027-03-14T10:00")


def test_local_instant_repeated_autumn_hour_means_its_first_occurrence():
    assert local_instant(d("2026-11-01"), t("01:30"), PT) == utc("2026-11-01T08:30")  # still PDT
    assert local_instant(d("2026-11-01"), t("02:00"), PT) == utc("2026-11-01T10:00")  # PST


# --- within_operating_hours -----------------------------------------------------------------


def test_within_operating_hours_whole_paid_hour_must_fit():
    monday = d("2026-05-04")
    assert within_operating_hours(local_instant(monday, t("09:00"), PT), WEEKDAYS_9_TO_9, PT)
    assert within_operating_hours(local_instant(monday, t("20:00"), PT), WEEKDAYS_9_TO_9, PT)
    assert not within_operating_hours(local_instant(monday, t("08:00"), PT), WEEKDAYS_9_TO_9, PT)
    assert not within_operating_hours(local_instant(monday, t("20:30"), PT), WEEKDAYS_9_TO_9, PT)
    assert not within_operating_hours(local_instant(monday, t("21:00"), PT), WEEKDAYS_9_TO_9, PT)


def test_within_operating_hours_closed_day():
    saturday = d("2026-05-09")
    assert not within_operating_hours(local_instant(saturday, t("12:00"), PT), WEEKDAYS_9_TO_9, PT)


def test_within_operating_hours_judges_the_weekday_in_pacific_time():
    # Saturday 01:00 in New York is still Friday 22:00 in Pacific time: closed by then.
    # Monday 00:00 in London is Sunday 16:00 Pacific: closed.
    assert not within_operating_hours(local_instant(d("2026-05-11"), t("00:00"), LONDON), WEEKDAYS_9_TO_9, PT)
    # Friday 23:00 in New York is Friday 20:00 Pacific: open.
    assert within_operating_hours(local_instant(d("2026-05-08"), t("23:00"), ET), WEEKDAYS_9_TO_9, PT)


def test_within_operating_hours_closing_at_2359_means_midnight():
    late = {FRI: (dt.time(18), dt.time(23, 59))}
    assert within_operating_hours(local_instant(d("2026-05-08"), t("23:00"), PT), late, PT)
    assert not within_operating_hours(local_instant(d("2026-05-09"), t("00:00"), PT), late, PT)


# --- slot_starts ----------------------------------------------------------------------------


def test_slot_starts_several_windows_a_day_in_order():
    windows = [Window(TUE, t("17:00"), t("19:00")), Window(TUE, t("09:00"), t("11:00"))]
    result = starts(windows, first="2026-05-04", last="2026-05-10")
    assert wall(result, PT) == [
        "2026-05-05 09:00",
        "2026-05-05 10:00",
        "2026-05-05 17:00",
        "2026-05-05 18:00",
    ]
    assert all(value.tzinfo is not None and value.utcoffset() == dt.timedelta(0) for value in result)


def test_slot_starts_overlapping_windows_give_each_start_once():
    windows = [Window(MON, t("09:00"), t("12:00")), Window(MON, t("10:00"), t("13:00"))]
    result = starts(windows, first="2026-05-04", last="2026-05-04")
    assert wall(result, PT) == [f"2026-05-04 {h:02d}:00" for h in (9, 10, 11, 12)]


def test_slot_starts_first_and_last_day_are_inclusive():
    windows = [Window(day, t("09:00"), t("10:00")) for day in range(5)]
    result = starts(windows, first="2026-05-05", last="2026-05-07")
    assert wall(result, PT) == ["2026-05-05 09:00", "2026-05-06 09:00", "2026-05-07 09:00"]


def test_slot_starts_blocked_days_inclusive_and_open_ended():
    windows = [Window(day, t("09:00"), t("10:00")) for day in range(5)]
    time_off = DateRange(d("2026-05-05"), d("2026-05-06"))
    leave = DateRange(d("2026-05-13"), None)
    result = starts(windows, first="2026-05-04", last="2026-05-29", blocked=[time_off, leave])
    assert wall(result, PT) == [
        "2026-05-04 09:00",
        "2026-05-07 09:00",
        "2026-05-08 09:00",
        "2026-05-11 09:00",
        "2026-05-12 09:00",
    ]


def test_slot_starts_not_before_and_not_after_are_inclusive():
    windows = [Window(MON, t("09:00"), t("13:00"))]
    result = starts(
        windows,
        first="2026-05-04",
        last="2026-05-04",
        not_before=utc("2026-05-04T17:00"),  # 10:00 PDT
        not_after=utc("2026-05-04T18:00"),  # 11:00 PDT
    )
    assert wall(result, PT) == ["2026-05-04 10:00", "2026-05-04 11:00"]


def test_slot_starts_outside_operating_hours_left_out():
    windows = [Window(MON, t("07:00"), t("11:00")), Window(SAT, t("10:00"), t("12:00"))]
    result = starts(windows, first="2026-05-04", last="2026-05-10")
    assert wall(result, PT) == ["2026-05-04 09:00", "2026-05-04 10:00"]


def test_slot_starts_new_york_window_checked_against_pacific_hours():
    # 11:00–15:00 New York is 08:00–12:00 Pacific: the 11:00 hour is before opening.
    windows = [Window(MON, t("11:00"), t("15:00"))]
    result = starts(windows, tz=ET, first="2026-05-04", last="2026-05-04")
    assert wall(result, ET) == ["2026-05-04 12:00", "2026-05-04 13:00", "2026-05-04 14:00"]
    assert wall(result, PT) == ["2026-05-04 09:00", "2026-05-04 10:00", "2026-05-04 11:00"]


def test_slot_starts_same_wall_clock_across_spring_forward():
    windows = [Window(MON, t("09:00"), t("12:00"))]
    result = starts(windows, first="2027-03-08", last="2027-03-15")
    assert wall(result, PT) == [f"2027-03-{day} {h}:00" for day in ("08", "15") for h in ("09", "10", "11")]
    assert [value.hour for value in result] == [17, 18, 19, 16, 17, 18]


def test_slot_starts_same_wall_clock_across_fall_back():
    windows = [Window(MON, t("09:00"), t("12:00"))]
    result = starts(windows, first="2026-10-26", last="2026-11-02")
    assert wall(result, PT) == [
        f"2026-{day} {h}:00" for day in ("10-26", "11-02") for h in ("09", "10", "11")
    ]
    assert [value.hour for value in result] == [16, 17, 18, 17, 18, 19]


def test_slot_starts_skips_the_missing_hour_and_keeps_the_repeated_one_once():
    night = [Window(SUN, t("01:00"), t("04:00"))]
    spring = starts(night, first="2027-03-14", last="2027-03-14", hours=ALL_DAY_EVERY_DAY)
    assert wall(spring, PT) == ["2027-03-14 01:00", "2027-03-14 03:00"]
    autumn = starts(night, first="2026-11-01", last="2026-11-01", hours=ALL_DAY_EVERY_DAY)
    assert autumn == [utc("2026-11-01T08:00"), utc("2026-11-01T10:00"), utc("2026-11-01T11:00")]
    assert wall(autumn, PT) == ["2026-11-01 01:00", "2026-11-01 02:00", "2026-11-01 03:00"]


def test_slot_starts_no_windows_no_starts():
    assert starts([], first="2026-05-04", last="2026-06-29") == []


# --- windows_overlap ------------------------------------------------------------------------


def test_windows_overlap_touching_windows_do_not_overlap():
    assert not windows_overlap(Window(MON, t("09:00"), t("12:00")), Window(MON, t("12:00"), t("14:00")))


def test_windows_overlap_same_day_overlap_and_other_day_not():
    assert windows_overlap(Window(MON, t("09:00"), t("12:00")), Window(MON, t("11:00"), t("14:00")))
    assert windows_overlap(Window(MON, t("09:00"), t("18:00")), Window(MON, t("11:00"), t("14:00")))
    assert not windows_overlap(Window(MON, t("09:00"), t("12:00")), Window(TUE, t("11:00"), t("14:00")))
