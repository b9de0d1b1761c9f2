"""Supporter services: the slot inventory (rules, time off, leave, operating hours, notice, horizon, DST),
regeneration that never touches held or booked slots, and refusals of bad input that change nothing."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from bookings.models import Booking
from supporters import services
from supporters.models import (
    AvailabilityRule,
    LeaveOfAbsence,
    OperatingHours,
    Slot,
    SupporterProfile,
    TimeOff,
)
from supporters.services import (
    AvailabilityError,
    leave_end,
    leave_start,
    profile_update,
    rule_create,
    rule_delete,
    slots_regenerate,
    slots_roll_horizon,
    time_off_create,
    time_off_delete,
)
from tests.factories import (
    LeaveFactory,
    RuleFactory,
    SeekerFactory,
    SlotFactory,
    SupporterFactory,
    TimeOffFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every supporter has a user with a password; the production hasher would make these tests slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


PT = ZoneInfo("America/Los_Angeles")
ET = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

# A plain Monday, far from any clock change: 08:00 Pacific (15:00 UTC).
MONDAY_8AM = "2026-05-04 08:00"


def at(text: str, tz: ZoneInfo = PT) -> dt.datetime:
    """An aware instant from wall-clock text in a zone, e.g. at("2026-05-04 09:00", ET)."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=tz)


def t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def walls(supporter: SupporterProfile, tz: ZoneInfo | None = None, **filters) -> list[str]:
    """The supporter's slots as a person in ``tz`` (default: the supporter) reads them."""
    tz = tz or supporter.tzinfo
    slots = Slot.objects.filter(supporter=supporter, **filters).order_by("start")
    return [f"{timezone.localtime(slot.start, tz):%Y-%m-%d %H:%M}" for slot in slots]


def walls_on(supporter: SupporterProfile, day: str, tz: ZoneInfo | None = None) -> list[str]:
    """Wall-clock start times (HH:MM) of the slots on one day as seen in ``tz``."""
    return [value[11:] for value in walls(supporter, tz) if value.startswith(day)]


def utc_on(supporter: SupporterProfile, day: str) -> list[str]:
    """UTC start times (HH:MM) of the slots on one day of the supporter's own calendar."""
    return [
        f"{slot.start.astimezone(dt.UTC):%H:%M}"
        for slot in Slot.objects.filter(supporter=supporter).order_by("start")
        if f"{timezone.localtime(slot.start, supporter.tzinfo):%Y-%m-%d}" == day
    ]


def snapshot(supporter: SupporterProfile) -> list[tuple]:
    return list(
        Slot.objects.filter(supporter=supporter).order_by("start").values_list("pk", "start", "end", "status")
    )


@pytest.fixture
def monday_morning():
    """Frozen at Monday 4 May 2026, 08:00 Pacific."""
    with time_machine.travel(at(MONDAY_8AM), tick=False) as traveller:
        yield traveller


# --- Generation from rules ------------------------------------------------------------------


def test_slots_regenerate_rule_gives_50_minute_sessions_on_the_hour_in_supporter_zone():
    supporter = SupporterFactory()
    RuleFactory(supporter=supporter, weekday=TUE, start_time=t("17:00"), end_time=t("20:00"))

    result = slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))

    slots = list(Slot.objects.filter(supporter=supporter))
    assert result.created == len(slots) == 8 * 3  # eight Tuesdays in the horizon
    assert result.removed == 0
    assert walls_on(supporter, "2026-05-05") == ["17:00", "18:00", "19:00"]
    assert walls_on(supporter, "2026-06-23") == ["17:00", "18:00", "19:00"]
    assert {timezone.localtime(s.start, PT).weekday() for s in slots} == {TUE}
    assert all(s.end - s.start == dt.timedelta(minutes=50) for s in slots)
    assert all(timezone.localtime(s.start, PT).minute == 0 for s in slots)
    assert {s.status for s in slots} == {Slot.Status.OPEN}


def test_slots_regenerate_several_windows_a_day():
    supporter = SupporterFactory()
    RuleFactory(supporter=supporter, weekday=WED, start_time=t("09:00"), end_time=t("11:00"))
    RuleFactory(supporter=supporter, weekday=WED, start_time=t("17:30"), end_time=t("20:00"))

    slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))

    assert walls_on(supporter, "2026-05-06") == ["09:00", "10:00", "18:00", "19:00"]
    assert Slot.objects.filter(supporter=supporter).count() == 8 * 4


def test_slots_regenerate_time_off_days_excluded_inclusive():
    supporter = SupporterFactory()
    for weekday in (MON, TUE, WED, THU, FRI):
        RuleFactory(supporter=supporter, weekday=weekday, start_time=t("09:00"), end_time=t("10:00"))
    TimeOffFactory(supporter=supporter, start_date=d("2026-05-12"), end_date=d("2026-05-14"))

    slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))

    week = [value for value in walls(supporter) if "2026-05-11" <= value < "2026-05-18"]
    assert week == ["2026-05-11 09:00", "2026-05-15 09:00"]


def test_slots_regenerate_time_off_days_are_in_the_supporter_zone():
    # 20:00–23:00 New York on Friday 8 May is 17:00–20:00 Pacific the same day; time off on
    # Friday in New York removes them even though the UTC date is already Saturday for two of them.
    supporter = SupporterFactory(time_zone="America/New_York")
    RuleFactory(supporter=supporter, weekday=FRI, start_time=t("20:00"), end_time=t("23:00"))
    TimeOffFactory(supporter=supporter, start_date=d("2026-05-08"), end_date=d("2026-05-08"))

    slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))

    assert walls_on(supporter, "2026-05-08") == []
    assert walls_on(supporter, "2026-05-15") == ["20:00", "21:00", "22:00"]


def test_slots_regenerate_bounded_leave_excluded_then_slots_resume():
    supporter = SupporterFactory()
    RuleFactory(supporter=supporter, weekday=MON, start_time=t("13:00"), end_time=t("14:00"))
    LeaveFactory(supporter=supporter, start_date=d("2026-05-18"), end_date=d("2026-06-01"))

    slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))

    mondays = [value[:10] for value in walls(supporter)]
    assert mondays == ["2026-05-04", "2026-05-11", "2026-06-08", "2026-06-15", "2026-06-22"]


def test_slots_regenerate_open_ended_leave_excludes_everything_after_its_start():
    supporter = SupporterFactory()
    RuleFactory(supporter=supporter, weekday=MON, start_time=t("13:00"), end_time=t("14:00"))
    LeaveFactory(supporter=supporter, start_date=d("2026-05-25"), end_date=None)

    slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))

    assert walls(supporter) == ["2026-05-04 13:00", "2026-05-11 13:00", "2026-05-18 13:00"]


def test_slots_regenerate_default_operating_hours_cut_a_rule_at_9am_and_9pm_pacific():
    supporter = SupporterFactory()
    RuleFactory(supporter=supporter, weekday=TUE, start_time=t("06:00"), end_time=t("10:00"))
    RuleFactory(supporter=supporter, weekday=TUE, start_time=t("20:00"), end_time=t("23:59"))

    slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))

    assert walls_on(supporter, "2026-05-05") == ["09:00", "20:00"]


def test_slots_regenerate_weekend_rule_yields_nothing():
    supporter = SupporterFactory()
    RuleFactory(supporter=supporter, weekday=SAT, start_time=t("10:00"), end_time=t("14:00"))
    RuleFactory(supporter=supporter, weekday=SUN, start_time=t("10:00"), end_time=t("14:00"))

    result = slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))

    assert result.created == 0
    assert not Slot.objects.filter(supporter=supporter).exists()


def test_slots_regenerate_staff_operating_hours_replace_the_defaults():
    # Staff open Saturdays 10:00–14:00 and Mondays only 12:00–15:00; no other day is open any more.
    OperatingHours.objects.create(weekday=SAT, opens_at=t("10:00"), closes_at=t("14:00"))
    OperatingHours.objects.create(weekday=MON, opens_at=t("12:00"), closes_at=t("15:00"))
    supporter = SupporterFactory()
    RuleFactory(supporter=supporter, weekday=SAT, start_time=t("09:00"), end_time=t("16:00"))
    RuleFactory(supporter=supporter, weekday=MON, start_time=t("09:00"), end_time=t("17:00"))
    RuleFactory(supporter=supporter, weekday=TUE, start_time=t("09:00"), end_time=t("17:00"))

    slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))

    assert walls_on(supporter, "2026-05-09") == ["10:00", "11:00", "12:00", "13:00"]
    assert walls_on(supporter, "2026-05-11") == ["12:00", "13:00", "14:00"]
    assert walls_on(supporter, "2026-05-12") == []


def test_slots_regenerate_staff_closing_at_2359_means_midnight():
    OperatingHours.objects.create(weekday=FRI, opens_at=t("18:00"), closes_at=t("23:59"))
    supporter = SupporterFactory()
    RuleFactory(supporter=supporter, weekday=FRI, start_time=t("21:00"), end_time=t("23:59"))

    slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))

    assert walls_on(supporter, "2026-05-08") == ["21:00", "22:00", "23:00"]


@pytest.mark.parametrize(
    ("now", "first"),
    [
        ("2026-05-04 05:01", "2026-05-04 10:00"),  # 09:00 is 3 h 59 min away: too soon
        ("2026-05-04 05:00", "2026-05-04 09:00"),  # exactly 4 hours: bookable
    ],
)
def test_slots_regenerate_minimum_notice_of_four_hours(now, first):
    supporter = SupporterFactory()
    RuleFactory(supporter=supporter, weekday=MON, start_time=t("09:00"), end_time=t("12:00"))

    slots_regenerate(supporter_id=supporter.pk, now=at(now))

    assert walls(supporter)[0] == first


def test_slots_regenerate_horizon_is_eight_weeks():
    supporter = SupporterFactory()
    RuleFactory(supporter=supporter, weekday=MON, start_time=t("09:00"), end_time=t("17:00"))

    slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))

    values = walls(supporter)
    # Today from 12:00 (notice), then seven full Mondays; 29 June 09:00 is an hour past the horizon.
    assert values[0] == "2026-05-04 12:00"
    assert values[-1] == "2026-06-22 16:00"
    assert len(values) == 5 + 7 * 8
    horizon = at(MONDAY_8AM) + dt.timedelta(weeks=8)
    assert not Slot.objects.filter(supporter=supporter, start__gt=horizon).exists()

    # An hour later the horizon reaches 29 June 09:00, and that slot appears (the bound is inclusive).
    result = slots_regenerate(supporter_id=supporter.pk, now=at("2026-05-04 09:00"))
    assert result.created == 1
    assert walls(supporter)[-1] == "2026-06-29 09:00"


def test_slots_regenerate_horizon_follows_the_setting(settings):
    settings.BOOKING_HORIZON = dt.timedelta(weeks=2)
    supporter = SupporterFactory()
    RuleFactory(supporter=supporter, weekday=TUE, start_time=t("09:00"), end_time=t("10:00"))

    slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))

    assert walls(supporter) == ["2026-05-05 09:00", "2026-05-12 09:00"]


def test_slots_regenerate_inactive_supporter_gets_no_slots():
    supporter = SupporterFactory(status=SupporterProfile.Status.INACTIVE)
    RuleFactory(supporter=supporter, weekday=TUE)

    assert slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM)).created == 0
    assert not Slot.objects.filter(supporter=supporter).exists()


# --- Daylight saving and other zones ----------------------------------------------------------

# New York's earliest hours inside the 9am Pacific opening are 12:00–15:00 (09:00–12:00 Eastern would
# be 06:00–09:00 Pacific: see test_rule_create_new_york_morning_is_outside_pacific_hours).
SUPPORTER_RULES = [
    ("America/Los_Angeles", ("09:00", "12:00"), ["09:00", "10:00", "11:00"]),
    ("America/New_York", ("12:00", "15:00"), ["12:00", "13:00", "14:00"]),
]


@pytest.mark.parametrize(("zone_name", "rule", "expected"), SUPPORTER_RULES)
@pytest.mark.parametrize(
    ("now", "before", "after", "utc_before", "utc_after"),
    [
        # Spring forward on Sunday 14 March 2027: UTC-8/-5 before, UTC-7/-4 after.
        (
            "2027-03-01 12:00",
            "2027-03-08",
            "2027-03-15",
            ["17:00", "18:00", "19:00"],
            ["16:00", "17:00", "18:00"],
        ),
        # Fall back on Sunday 1 November 2026: UTC-7/-4 before, UTC-8/-5 after.
        (
            "2026-10-14 12:00",
            "2026-10-26",
            "2026-11-02",
            ["16:00", "17:00", "18:00"],
            ["17:00", "18:00", "19:00"],
        ),
    ],
)
def test_slots_regenerate_same_wall_clock_hours_on_both_sides_of_a_us_clock_change(
    zone_name, rule, expected, now, before, after, utc_before, utc_after
):
    supporter = SupporterFactory(time_zone=zone_name)
    RuleFactory(supporter=supporter, weekday=MON, start_time=t(rule[0]), end_time=t(rule[1]))

    slots_regenerate(supporter_id=supporter.pk, now=at(now))

    assert walls_on(supporter, before) == walls_on(supporter, after) == expected
    assert utc_on(supporter, before) == utc_before
    assert utc_on(supporter, after) == utc_after


@pytest.mark.parametrize(
    ("now", "mondays"),
    [
        ("2027-03-01 12:00", ["2027-03-08", "2027-03-15", "2027-03-22", "2027-03-29"]),
        ("2026-10-14 12:00", ["2026-10-19", "2026-10-26", "2026-11-02", "2026-11-09"]),
    ],
)
def test_slots_regenerate_pacific_operating_hours_stay_right_for_new_york_across_changes(now, mondays):
    # 11:00 New York is always 08:00 Pacific (closed), 12:00 is 09:00 (open); 23:00 is 20:00 (open).
    supporter = SupporterFactory(time_zone="America/New_York")
    RuleFactory(supporter=supporter, weekday=MON, start_time=t("10:00"), end_time=t("15:00"))
    RuleFactory(supporter=supporter, weekday=MON, start_time=t("22:00"), end_time=t("23:59"))

    slots_regenerate(supporter_id=supporter.pk, now=at(now))

    for monday in mondays:
        assert walls_on(supporter, monday) == ["12:00", "13:00", "14:00", "22:00", "23:00"], monday
        assert walls_on(supporter, monday, PT) == ["09:00", "10:00", "11:00", "19:00", "20:00"], monday


def test_slots_regenerate_london_seeker_sees_the_same_instants_spring_2027():
    supporter = SupporterFactory()  # Pacific
    RuleFactory(supporter=supporter, weekday=MON, start_time=t("09:00"), end_time=t("12:00"))

    slots_regenerate(supporter_id=supporter.pk, now=at("2027-03-01 12:00"))

    utc_hours = {
        day: utc_on(supporter, day) for day in ("2027-03-08", "2027-03-15", "2027-03-22", "2027-03-29")
    }
    assert utc_hours == {
        "2027-03-08": ["17:00", "18:00", "19:00"],  # PST
        "2027-03-15": ["16:00", "17:00", "18:00"],  # PDT from 14 March
        "2027-03-22": ["16:00", "17:00", "18:00"],
        "2027-03-29": ["16:00", "17:00", "18:00"],
    }
    # The seeker in London (their zone active, as the middleware does for pages): an hour earlier in
    # their day while only the US has changed (14–28 March).
    with timezone.override(LONDON):
        seen = [f"{timezone.localtime(s.start):%Y-%m-%d %H:%M}" for s in Slot.objects.order_by("start")[:12]]
    assert seen == [
        "2027-03-08 17:00", "2027-03-08 18:00", "2027-03-08 19:00",
        "2027-03-15 16:00", "2027-03-15 17:00", "2027-03-15 18:00",
        "2027-03-22 16:00", "2027-03-22 17:00", "2027-03-22 18:00",
        "2027-03-29 17:00", "2027-03-29 18:00", "2027-03-29 19:00",  # BST from 28 March
    ]  # fmt: skip
    # The supporter's own wall clock never moved.
    for monday in ("2027-03-08", "2027-03-15", "2027-03-22", "2027-03-29"):
        assert walls_on(supporter, monday) == ["09:00", "10:00", "11:00"]


def test_slots_regenerate_london_seeker_sees_the_same_instants_autumn_2026():
    supporter = SupporterFactory()  # Pacific
    RuleFactory(supporter=supporter, weekday=MON, start_time=t("09:00"), end_time=t("12:00"))

    slots_regenerate(supporter_id=supporter.pk, now=at("2026-10-14 12:00"))

    firsts = {
        day: Slot.objects.filter(supporter=supporter, start__date=d(day)).order_by("start").first().start
        for day in ("2026-10-19", "2026-10-26", "2026-11-02")
    }
    assert firsts == {
        "2026-10-19": dt.datetime(2026, 10, 19, 16, tzinfo=dt.UTC),
        "2026-10-26": dt.datetime(2026, 10, 26, 16, tzinfo=dt.UTC),
        "2026-11-02": dt.datetime(2026, 11, 2, 17, tzinfo=dt.UTC),
    }
    # UK falls back on 25 October, the US on 1 November: the week between, London sees 16:00.
    assert [f"{timezone.localtime(v, LONDON):%H:%M}" for v in firsts.values()] == ["17:00", "16:00", "17:00"]


def test_slots_regenerate_london_supporter_operating_hours_judged_per_instant():
    # 16:00 London is 08:00 Pacific (closed) except while only the US has sprung forward (09:00, open).
    supporter = SupporterFactory(time_zone="Europe/London")
    RuleFactory(supporter=supporter, weekday=MON, start_time=t("16:00"), end_time=t("18:00"))

    slots_regenerate(supporter_id=supporter.pk, now=at("2027-03-01 12:00"))

    assert walls_on(supporter, "2027-03-08") == ["17:00"]
    assert walls_on(supporter, "2027-03-15") == ["16:00", "17:00"]
    assert walls_on(supporter, "2027-03-22") == ["16:00", "17:00"]
    assert walls_on(supporter, "2027-03-29") == ["17:00"]


# --- Regeneration -----------------------------------------------------------------------------


def test_rule_create_and_delete_regenerate_open_slots_at_once(monday_morning):
    supporter = SupporterFactory()

    monday_rule = rule_create(supporter=supporter, weekday=MON, start_time=t("13:00"), end_time=t("15:00"))
    assert walls_on(supporter, "2026-05-11") == ["13:00", "14:00"]
    assert Slot.objects.filter(supporter=supporter).count() == 8 * 2

    rule_create(supporter=supporter, weekday=THU, start_time=t("17:00"), end_time=t("18:00"))
    assert walls_on(supporter, "2026-05-07") == ["17:00"]
    assert Slot.objects.filter(supporter=supporter).count() == 8 * 2 + 8

    rule_delete(supporter=supporter, rule_id=monday_rule.pk)
    assert walls_on(supporter, "2026-05-11") == []
    assert {timezone.localtime(s.start, PT).weekday() for s in Slot.objects.filter(supporter=supporter)} == {
        THU
    }
    assert Slot.objects.filter(supporter=supporter).count() == 8


def test_slots_regenerate_changed_rule_removes_unwanted_and_adds_new():
    supporter = SupporterFactory()
    rule = RuleFactory(supporter=supporter, weekday=TUE, start_time=t("09:00"), end_time=t("12:00"))
    slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))
    kept = set(Slot.objects.filter(supporter=supporter, start__time=dt.time(17)).values_list("pk", flat=True))

    rule.start_time, rule.end_time = t("10:00"), t("14:00")
    rule.save()
    result = slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))

    assert (result.created, result.removed) == (8 * 2, 8)
    assert walls_on(supporter, "2026-05-05") == ["10:00", "11:00", "12:00", "13:00"]
    # 10:00 and 11:00 (17:00 and 18:00 UTC) are the same rows as before, not new ones.
    assert kept <= set(Slot.objects.filter(supporter=supporter).values_list("pk", flat=True))
    assert len(kept) == 8


def test_slots_regenerate_twice_is_a_no_op():
    supporter = SupporterFactory(time_zone="America/New_York")
    RuleFactory(supporter=supporter, weekday=MON, start_time=t("12:00"), end_time=t("16:00"))
    RuleFactory(supporter=supporter, weekday=THU, start_time=t("18:00"), end_time=t("23:59"))
    TimeOffFactory(supporter=supporter, start_date=d("2026-05-21"), end_date=d("2026-05-28"))
    first = slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))
    before = snapshot(supporter)

    again = slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))

    assert first.created > 0
    assert (again.created, again.removed) == (0, 0)
    assert snapshot(supporter) == before


def test_slots_regenerate_held_slot_at_a_wanted_start_is_not_duplicated():
    supporter = SupporterFactory()
    RuleFactory(supporter=supporter, weekday=TUE, start_time=t("09:00"), end_time=t("11:00"))
    held = SlotFactory(supporter=supporter, start=at("2026-05-05 09:00"), status=Slot.Status.HELD)

    result = slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))

    assert result.created == 8 * 2 - 1
    assert list(Slot.objects.filter(supporter=supporter, start=held.start).values_list("pk", "status")) == [
        (held.pk, Slot.Status.HELD)
    ]


def _taken_slots(supporter: SupporterProfile) -> list[Slot]:
    """Marks Tuesday 12 May 09:00 held and 10:00 booked, as a booking would, and returns them."""
    slots = list(
        Slot.objects.filter(supporter=supporter, start__gte=at("2026-05-12 09:00")).order_by("start")[:2]
    )
    assert [f"{timezone.localtime(s.start, PT):%Y-%m-%d %H:%M}" for s in slots] == [
        "2026-05-12 09:00",
        "2026-05-12 10:00",
    ]
    Slot.objects.filter(pk=slots[0].pk).update(status=Slot.Status.HELD)
    Slot.objects.filter(pk=slots[1].pk).update(status=Slot.Status.BOOKED)
    return list(Slot.objects.filter(pk__in=[s.pk for s in slots]).order_by("start"))


@pytest.mark.parametrize("change", ["rule deleted", "time off", "leave", "rule moved", "inactive"])
def test_slots_regenerate_never_removes_or_changes_held_and_booked_slots(monday_morning, change):
    supporter = SupporterFactory()
    rule = rule_create(supporter=supporter, weekday=TUE, start_time=t("09:00"), end_time=t("12:00"))
    taken = _taken_slots(supporter)
    taken_rows = [(s.pk, s.start, s.end, s.status) for s in taken]

    if change == "rule deleted":
        rule_delete(supporter=supporter, rule_id=rule.pk)
    elif change == "time off":
        time_off_create(supporter=supporter, start_date=d("2026-05-11"), end_date=d("2026-05-15"))
    elif change == "leave":
        leave_start(supporter=supporter, start_date=d("2026-05-04"), end_date=None)
    elif change == "rule moved":
        rule_delete(supporter=supporter, rule_id=rule.pk)
        rule_create(supporter=supporter, weekday=TUE, start_time=t("09:30"), end_time=t("12:30"))
    elif change == "inactive":
        SupporterProfile.objects.filter(pk=supporter.pk).update(status=SupporterProfile.Status.INACTIVE)
        slots_roll_horizon()

    assert [
        (s.pk, s.start, s.end, s.status) for s in Slot.objects.filter(pk__in=[r[0] for r in taken_rows])
    ] == (taken_rows)
    on_the_day = walls_on(supporter, "2026-05-12")
    assert on_the_day[:2] == ["09:00", "10:00"]
    if change != "rule moved":
        # The only slots left of that Tuesday are the two taken ones; 11:00 (open) is gone.
        assert on_the_day == ["09:00", "10:00"]
    else:
        # 09:30–12:30 gives 10:00 and 11:00: 10:00 is the booked row, 11:00 a new open one.
        assert on_the_day == ["09:00", "10:00", "11:00"]
        assert walls_on(supporter, "2026-05-19") == ["10:00", "11:00"]


def test_slots_regenerate_removes_past_open_slots_keeps_past_booked_ones():
    supporter = SupporterFactory()
    RuleFactory(supporter=supporter, weekday=TUE, start_time=t("09:00"), end_time=t("11:00"))
    slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))
    Slot.objects.filter(start=at("2026-05-05 10:00")).update(status=Slot.Status.BOOKED)

    # A week later (Tuesday 12 May, 08:00): last Tuesday is past, and today's 09:00 and 10:00 are
    # inside the four hours' notice.
    result = slots_regenerate(supporter_id=supporter.pk, now=at("2026-05-12 08:00"))

    assert (result.created, result.removed) == (2, 3)
    assert walls(supporter)[:3] == ["2026-05-05 10:00", "2026-05-19 09:00", "2026-05-19 10:00"]
    assert Slot.objects.get(start=at("2026-05-05 10:00")).status == Slot.Status.BOOKED
    assert walls_on(supporter, "2026-06-30") == ["09:00", "10:00"]


def _past_booking(slot: Slot, status: str) -> Booking:
    """A booking that ended without holding its slot (declined, expired…): the slot is open again, but
    the booking keeps pointing at it for its history."""
    return Booking.objects.create(
        seeker=SeekerFactory(),
        supporter=slot.supporter,
        slot=slot,
        start=slot.start,
        end=slot.end,
        status=status,
        requested_at=slot.start - dt.timedelta(days=2),
        respond_by=slot.start - dt.timedelta(days=1),
    )


def test_rule_delete_with_a_freed_slot_a_past_request_points_at(monday_morning):
    supporter = SupporterFactory()
    rule = rule_create(supporter=supporter, weekday=TUE, start_time=t("09:00"), end_time=t("12:00"))
    freed = Slot.objects.filter(supporter=supporter).order_by("start").first()
    declined = _past_booking(freed, Booking.Status.DECLINED)

    rule_delete(supporter=supporter, rule_id=rule.pk)

    assert not AvailabilityRule.objects.filter(pk=rule.pk).exists()
    # Every other Tuesday slot is gone; the declined request still shows when it was for.
    assert list(Slot.objects.filter(supporter=supporter).exclude(pk=freed.pk)) == []
    declined.refresh_from_db()
    assert (declined.slot_id, declined.start) == (freed.pk, freed.start)


def test_slots_roll_horizon_past_freed_slot_does_not_stop_the_roll():
    first, second = SupporterFactory(display_name="Ana"), SupporterFactory(display_name="Bo")
    for supporter in (first, second):
        RuleFactory(supporter=supporter, weekday=TUE, start_time=t("09:00"), end_time=t("11:00"))
    with time_machine.travel(at(MONDAY_8AM), tick=False) as traveller:
        slots_roll_horizon()
        expired = _past_booking(Slot.objects.filter(supporter=first).order_by("start").first(), "expired")

        traveller.shift(dt.timedelta(days=8))  # Tuesday 12 May: last Tuesday's slots are past
        slots_roll_horizon()

    for supporter in (first, second):
        assert walls_on(supporter, "2026-06-30") == ["09:00", "10:00"]
        assert walls_on(supporter, "2026-05-05") == ([] if supporter == second else ["09:00"])
    assert Booking.objects.get(pk=expired.pk).slot.start == at("2026-05-05 09:00")


def test_slots_roll_horizon_moves_the_horizon_a_day_forward():
    supporter = SupporterFactory()
    RuleFactory(supporter=supporter, weekday=MON, start_time=t("09:00"), end_time=t("12:00"))
    RuleFactory(supporter=supporter, weekday=TUE, start_time=t("09:00"), end_time=t("12:00"))
    # Monday 4 May 2026, 22:00 Pacific: the horizon ends Monday 29 June 22:00.
    with time_machine.travel(at("2026-05-04 22:00"), tick=False) as traveller:
        slots_roll_horizon()
        assert walls(supporter)[0] == "2026-05-05 09:00"
        assert walls(supporter)[-1] == "2026-06-29 11:00"
        assert walls_on(supporter, "2026-06-30") == []

        traveller.shift(dt.timedelta(days=1))
        result = slots_roll_horizon()

        # Tuesday 30 June appears; Tuesday 5 May (now past) goes.
        assert (result.created, result.removed) == (3, 3)
        assert walls_on(supporter, "2026-06-30") == ["09:00", "10:00", "11:00"]
        assert walls_on(supporter, "2026-05-05") == []
        assert walls(supporter)[0] == "2026-05-11 09:00"

        assert slots_roll_horizon() == type(result)(created=0, removed=0)


def test_slots_roll_horizon_one_supporters_failure_does_not_stop_the_others(
    monday_morning, monkeypatch, caplog
):
    # The only way to make one supporter fail on purpose is to break their regeneration.
    broken, fine = SupporterFactory(), SupporterFactory()
    for supporter in (broken, fine):
        RuleFactory(supporter=supporter, weekday=TUE, start_time=t("09:00"), end_time=t("11:00"))
    real = services.slots_regenerate

    def regenerate(*, supporter_id, **kwargs):
        if supporter_id == broken.pk:
            raise RuntimeError("boom")
        return real(supporter_id=supporter_id, **kwargs)

    monkeypatch.setattr("supporters.services.slots.slots_regenerate", regenerate)  # where the roll finds it
    real_batch = services.slots._roll_batch

    def roll_batch(ids, **kwargs):
        # The batch holding the broken supporter fails on its data, so the roll falls back to one
        # supporter at a time, where only that supporter fails.
        if broken.pk in ids:
            raise RuntimeError("bad data")
        return real_batch(ids, **kwargs)

    monkeypatch.setattr("supporters.services.slots._roll_batch", roll_batch)
    result = slots_roll_horizon()

    assert result.created == 8 * 2
    assert Slot.objects.filter(supporter=fine).count() == 8 * 2
    assert not Slot.objects.filter(supporter=broken).exists()
    assert f"could not regenerate the slots of supporter {broken.pk}" in caplog.text


def test_slots_roll_horizon_removes_open_slots_of_inactive_supporters(monday_morning):
    active, leaving = SupporterFactory(), SupporterFactory()
    for supporter in (active, leaving):
        RuleFactory(supporter=supporter, weekday=TUE, start_time=t("09:00"), end_time=t("11:00"))
    slots_roll_horizon()
    booked = Slot.objects.filter(supporter=leaving).order_by("start").first()
    Slot.objects.filter(pk=booked.pk).update(status=Slot.Status.BOOKED)
    SupporterProfile.objects.filter(pk=leaving.pk).update(status=SupporterProfile.Status.INACTIVE)

    result = slots_roll_horizon()

    assert result.removed == 8 * 2 - 1
    assert list(Slot.objects.filter(supporter=leaving).values_list("pk", "status")) == [
        (booked.pk, Slot.Status.BOOKED)
    ]
    assert Slot.objects.filter(supporter=active).count() == 8 * 2


# A regeneration reads the supporter (locked), rules, time off, leave, operating hours and existing slots,
# locks the open slots to delete, deletes them and inserts the new ones, one query each; plus the
# savepoint the test's transaction adds around it; plus one for the SlotsOpened handler that asks whether
# anyone waits for this supporter (the waitlist, issue 16), whatever the number of slots.
REGENERATION_QUERIES = 12


def _regeneration_queries(django_assert_max_num_queries, supporter) -> int:
    with django_assert_max_num_queries(REGENERATION_QUERIES) as captured:
        result = slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))
    assert result.created > 0
    return len(captured)


def _move_rules(supporter, start: str, end: str) -> None:
    for rule in AvailabilityRule.objects.filter(supporter=supporter):
        rule.start_time, rule.end_time = t(start), t(end)
        rule.save()


def test_slots_regenerate_query_count_same_for_one_rule_and_five(django_assert_max_num_queries):
    one = SupporterFactory()
    RuleFactory(supporter=one, weekday=MON, start_time=t("09:00"), end_time=t("12:00"))
    five = SupporterFactory()
    for weekday in (MON, TUE, WED, THU, FRI):
        RuleFactory(supporter=five, weekday=weekday, start_time=t("09:00"), end_time=t("12:00"))
    TimeOffFactory(supporter=five, start_date=d("2026-05-20"), end_date=d("2026-05-22"))
    LeaveFactory(supporter=five, start_date=d("2026-06-10"), end_date=d("2026-06-12"))

    first_one = _regeneration_queries(django_assert_max_num_queries, one)
    first_five = _regeneration_queries(django_assert_max_num_queries, five)
    assert first_one == first_five

    # And when every slot is replaced (a delete and an insert each).
    _move_rules(one, "13:00", "16:00")
    _move_rules(five, "13:00", "16:00")
    assert _regeneration_queries(django_assert_max_num_queries, one) == _regeneration_queries(
        django_assert_max_num_queries, five
    )
    assert Slot.objects.filter(supporter=five).count() > 4 * Slot.objects.filter(supporter=one).count()


def test_slots_regenerate_query_count_same_for_two_and_eight_weeks(settings, django_assert_max_num_queries):
    short, long = SupporterFactory(), SupporterFactory()
    for supporter in (short, long):
        for weekday in (MON, TUE, WED, THU, FRI):
            RuleFactory(supporter=supporter, weekday=weekday, start_time=t("09:00"), end_time=t("12:00"))

    settings.BOOKING_HORIZON = dt.timedelta(weeks=2)
    two_weeks = [_regeneration_queries(django_assert_max_num_queries, short)]
    _move_rules(short, "13:00", "16:00")
    two_weeks.append(_regeneration_queries(django_assert_max_num_queries, short))
    short_count = Slot.objects.filter(supporter=short).count()

    settings.BOOKING_HORIZON = dt.timedelta(weeks=8)
    eight_weeks = [_regeneration_queries(django_assert_max_num_queries, long)]
    _move_rules(long, "13:00", "16:00")
    eight_weeks.append(_regeneration_queries(django_assert_max_num_queries, long))

    assert Slot.objects.filter(supporter=long).count() == 4 * short_count == 4 * 2 * 5 * 3
    assert two_weeks == eight_weeks


def test_slots_regenerate_query_count_bounded_with_every_operating_hour_taken(django_assert_max_num_queries):
    # The most a supporter can offer under default hours: 60 h a week for 8 weeks. Inserts go in
    # batches (500 rows on PostgreSQL, 249 on SQLite), so this is the one case that may take an extra query.
    supporter = SupporterFactory()
    for weekday in (MON, TUE, WED, THU, FRI):
        RuleFactory(supporter=supporter, weekday=weekday, start_time=t("09:00"), end_time=t("21:00"))
    with django_assert_max_num_queries(REGENERATION_QUERIES):
        result = slots_regenerate(supporter_id=supporter.pk, now=at(MONDAY_8AM))
    assert result.created == 8 * 5 * 12 - 3  # today's 09:00–11:00 fall inside the notice


def test_profile_update_new_zone_regenerates_slots_in_it(monday_morning):
    supporter = SupporterFactory()
    RuleFactory(supporter=supporter, weekday=TUE, start_time=t("12:00"), end_time=t("14:00"))
    slots_regenerate(supporter_id=supporter.pk)
    assert walls_on(supporter, "2026-05-05", PT) == ["12:00", "13:00"]

    profile_update(
        supporter=supporter,
        display_name=supporter.display_name,
        pronouns="",
        intro="",
        story="",
        time_zone="America/New_York",
        tags=[],
    )

    # Same wall-clock rule, now in New York: 12:00 and 13:00 Eastern are 09:00 and 10:00 Pacific.
    assert walls_on(supporter, "2026-05-05", ET) == ["12:00", "13:00"]
    assert walls_on(supporter, "2026-05-05", PT) == ["09:00", "10:00"]


# --- Bad input: refused with a clear message, nothing changes ----------------------------------


@pytest.fixture
def supporter_with_slots(monday_morning):
    supporter = SupporterFactory()
    rule_create(supporter=supporter, weekday=MON, start_time=t("13:00"), end_time=t("16:00"))
    return supporter


def _rules(supporter):
    return list(
        AvailabilityRule.objects.filter(supporter=supporter).values_list("weekday", "start_time", "end_time")
    )


@pytest.mark.parametrize(
    ("weekday", "start", "end", "code", "words"),
    [
        (TUE, "12:00", "10:00", "end_before_start", "end time must be after the start"),
        (TUE, "12:00", "12:00", "end_before_start", "end time must be after the start"),
        (TUE, "12:30", "13:15", "too_short", "at least one full hour"),
        (TUE, "12:00", "12:50", "too_short", "at least one full hour"),
        (MON, "15:00", "17:00", "overlap", "overlaps your Monday window 13:00–16:00"),
        (MON, "10:00", "20:00", "overlap", "overlaps your Monday window 13:00–16:00"),
        (MON, "13:00", "14:00", "overlap", "overlaps your Monday window 13:00–16:00"),
        (TUE, "07:00", "10:00", "outside_hours", "operating hours"),
        (TUE, "20:00", "22:00", "outside_hours", "operating hours"),
        (SAT, "10:00", "12:00", "outside_hours", "operating hours"),
        (7, "10:00", "12:00", "bad_weekday", "day of the week"),
    ],
)
def test_rule_create_refuses_bad_windows_and_changes_nothing(
    supporter_with_slots, weekday, start, end, code, words
):
    supporter = supporter_with_slots
    rules, slots = _rules(supporter), snapshot(supporter)

    with pytest.raises(AvailabilityError) as exc_info:
        rule_create(supporter=supporter, weekday=weekday, start_time=t(start), end_time=t(end))

    assert exc_info.value.code == code
    assert words in exc_info.value.message
    assert _rules(supporter) == rules == [(MON, t("13:00"), t("16:00"))]
    assert snapshot(supporter) == slots
    assert len(slots) == 8 * 3


def test_rule_create_new_york_morning_is_outside_pacific_hours(monday_morning):
    supporter = SupporterFactory(time_zone="America/New_York")

    with pytest.raises(AvailabilityError) as exc_info:
        rule_create(supporter=supporter, weekday=MON, start_time=t("09:00"), end_time=t("12:00"))

    message = exc_info.value.message
    assert "operating hours" in message
    assert "Monday to Friday, 9am–9pm Pacific (noon–midnight your time)" in message
    assert not AvailabilityRule.objects.filter(supporter=supporter).exists()
    assert not Slot.objects.filter(supporter=supporter).exists()


def test_rule_create_new_york_inside_pacific_hours_accepted(monday_morning):
    supporter = SupporterFactory(time_zone="America/New_York")

    rule_create(supporter=supporter, weekday=MON, start_time=t("12:00"), end_time=t("15:00"))
    rule_create(supporter=supporter, weekday=MON, start_time=t("21:00"), end_time=t("23:59"))

    assert walls_on(supporter, "2026-05-11") == ["12:00", "13:00", "14:00", "21:00", "22:00", "23:00"]


def test_rule_create_touching_windows_accepted(supporter_with_slots):
    supporter = supporter_with_slots

    rule_create(supporter=supporter, weekday=MON, start_time=t("16:00"), end_time=t("18:00"))
    rule_create(supporter=supporter, weekday=MON, start_time=t("11:00"), end_time=t("13:00"))

    assert walls_on(supporter, "2026-05-11") == [
        "11:00",
        "12:00",
        "13:00",
        "14:00",
        "15:00",
        "16:00",
        "17:00",
    ]


def test_rule_create_outside_staff_hours_message_names_them(monday_morning):
    OperatingHours.objects.create(weekday=MON, opens_at=t("10:00"), closes_at=t("18:00"))
    OperatingHours.objects.create(weekday=TUE, opens_at=t("10:00"), closes_at=t("18:00"))
    OperatingHours.objects.create(weekday=SAT, opens_at=t("10:00"), closes_at=t("23:59"))
    supporter = SupporterFactory()

    with pytest.raises(AvailabilityError) as exc_info:
        rule_create(supporter=supporter, weekday=WED, start_time=t("10:00"), end_time=t("12:00"))

    assert "Monday to Tuesday, 10am–6pm Pacific; Saturday, 10am–midnight Pacific" in exc_info.value.message
    rule_create(supporter=supporter, weekday=SAT, start_time=t("22:00"), end_time=t("23:59"))
    assert walls_on(supporter, "2026-05-09") == ["22:00", "23:00"]


def test_rule_delete_of_another_supporters_rule_not_found(supporter_with_slots):
    other = SupporterFactory()
    rule = AvailabilityRule.objects.get(supporter=supporter_with_slots)
    slots = snapshot(supporter_with_slots)

    with pytest.raises(AvailabilityRule.DoesNotExist):
        rule_delete(supporter=other, rule_id=rule.pk)

    assert AvailabilityRule.objects.filter(pk=rule.pk).exists()
    assert snapshot(supporter_with_slots) == slots


# --- Time off -----------------------------------------------------------------------------------


def test_time_off_create_removes_open_slots_at_once_and_delete_brings_them_back(supporter_with_slots):
    supporter = supporter_with_slots

    time_off = time_off_create(
        supporter=supporter, start_date=d("2026-05-11"), end_date=d("2026-05-18"), note="  Family visit "
    )

    assert time_off.note == "Family visit"
    assert walls_on(supporter, "2026-05-11") == []
    assert walls_on(supporter, "2026-05-18") == []
    assert walls_on(supporter, "2026-05-25") == ["13:00", "14:00", "15:00"]
    assert Slot.objects.filter(supporter=supporter).count() == 6 * 3

    time_off_delete(supporter=supporter, time_off_id=time_off.pk)

    assert walls_on(supporter, "2026-05-11") == ["13:00", "14:00", "15:00"]
    assert Slot.objects.filter(supporter=supporter).count() == 8 * 3


def test_time_off_create_starting_in_the_past_but_ending_today_accepted(supporter_with_slots):
    time_off = time_off_create(
        supporter=supporter_with_slots, start_date=d("2026-05-01"), end_date=d("2026-05-04")
    )

    assert time_off.pk is not None
    assert walls_on(supporter_with_slots, "2026-05-04") == []


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        ("2026-05-20", "2026-05-19", "end_before_start"),
        ("2026-04-20", "2026-05-03", "past"),  # over yesterday (the supporter's today is 4 May)
        ("2026-05-11", "2027-06-01", "long"),
    ],
)
def test_time_off_create_refuses_bad_dates_and_changes_nothing(supporter_with_slots, start, end, code):
    slots = snapshot(supporter_with_slots)

    with pytest.raises(AvailabilityError) as exc_info:
        time_off_create(supporter=supporter_with_slots, start_date=d(start), end_date=d(end))

    assert exc_info.value.code == code
    assert exc_info.value.message
    assert not TimeOff.objects.exists()
    assert snapshot(supporter_with_slots) == slots


# --- Leave of absence ---------------------------------------------------------------------------


def test_leave_start_hides_profile_and_removes_open_slots(supporter_with_slots):
    supporter = supporter_with_slots

    leave_start(supporter=supporter, start_date=d("2026-05-04"), end_date=None)

    assert not Slot.objects.filter(supporter=supporter).exists()
    assert not SupporterProfile.objects.listed().filter(pk=supporter.pk).exists()


def test_leave_start_planned_leave_keeps_slots_before_it(supporter_with_slots):
    supporter = supporter_with_slots

    leave_start(supporter=supporter, start_date=d("2026-05-19"), end_date=d("2026-06-09"))

    assert [value[:10] for value in walls(supporter)][::3] == [
        "2026-05-04",
        "2026-05-11",
        "2026-05-18",
        "2026-06-15",
        "2026-06-22",
    ]
    assert SupporterProfile.objects.listed().filter(pk=supporter.pk).exists()


@pytest.mark.parametrize(
    ("existing", "start", "end", "code"),
    [
        (None, "2026-05-03", None, "past"),
        (None, "2026-05-20", "2026-05-19", "end_before_start"),
        (("2026-05-10", None), "2026-06-01", "2026-06-05", "overlap"),  # inside an open-ended one
        (("2026-05-10", "2026-05-20"), "2026-05-20", None, "overlap"),  # starts on its last day
        (("2026-05-10", "2026-05-20"), "2026-05-04", "2026-05-10", "overlap"),  # ends on its first day
        (("2026-05-10", "2026-05-20"), "2026-05-04", None, "overlap"),  # open-ended across it
        (("2026-05-10", "2026-05-20"), "2026-05-12", "2026-05-14", "overlap"),  # inside it
    ],
)
def test_leave_start_refuses_bad_dates_and_changes_nothing(supporter_with_slots, existing, start, end, code):
    supporter = supporter_with_slots
    if existing:
        LeaveFactory(supporter=supporter, start_date=d(existing[0]), end_date=existing[1] and d(existing[1]))
        slots_regenerate(supporter_id=supporter.pk)
    leaves = list(LeaveOfAbsence.objects.values_list("pk", "start_date", "end_date"))
    slots = snapshot(supporter)

    with pytest.raises(AvailabilityError) as exc_info:
        leave_start(supporter=supporter, start_date=d(start), end_date=end and d(end))

    assert exc_info.value.code == code
    assert list(LeaveOfAbsence.objects.values_list("pk", "start_date", "end_date")) == leaves
    assert snapshot(supporter) == slots


def test_leave_start_next_to_an_existing_leave_accepted(supporter_with_slots):
    LeaveFactory(supporter=supporter_with_slots, start_date=d("2026-05-10"), end_date=d("2026-05-20"))

    leave_start(supporter=supporter_with_slots, start_date=d("2026-05-21"), end_date=d("2026-05-31"))
    leave_start(supporter=supporter_with_slots, start_date=d("2026-05-04"), end_date=d("2026-05-09"))

    assert LeaveOfAbsence.objects.filter(supporter=supporter_with_slots).count() == 3
    assert [value[:10] for value in walls(supporter_with_slots)][::3] == [
        "2026-06-01",
        "2026-06-08",
        "2026-06-15",
        "2026-06-22",
    ]


def test_leave_end_current_leave_ends_today_and_slots_come_back(supporter_with_slots):
    supporter = supporter_with_slots
    leave = leave_start(supporter=supporter, start_date=d("2026-05-04"), end_date=None)
    assert not Slot.objects.filter(supporter=supporter).exists()
    monday_morning_plus_a_week = at("2026-05-11 08:00")

    with time_machine.travel(monday_morning_plus_a_week, tick=False):
        leave_end(supporter=supporter, leave_id=leave.pk)

        leave.refresh_from_db()
        assert leave.end_date == d("2026-05-10")  # yesterday: back today
        assert SupporterProfile.objects.listed().filter(pk=supporter.pk).exists()
        assert walls_on(supporter, "2026-05-11") == ["13:00", "14:00", "15:00"]
        assert Slot.objects.filter(supporter=supporter).count() == 8 * 3


def test_leave_end_planned_leave_is_cancelled(supporter_with_slots):
    supporter = supporter_with_slots
    leave = leave_start(supporter=supporter, start_date=d("2026-05-18"), end_date=None)
    assert walls_on(supporter, "2026-05-25") == []

    leave_end(supporter=supporter, leave_id=leave.pk)

    assert not LeaveOfAbsence.objects.filter(pk=leave.pk).exists()
    assert walls_on(supporter, "2026-05-25") == ["13:00", "14:00", "15:00"]
    assert Slot.objects.filter(supporter=supporter).count() == 8 * 3


def test_leave_end_finished_leave_keeps_its_dates(supporter_with_slots):
    leave = LeaveFactory(supporter=supporter_with_slots, start_date=d("2026-03-01"), end_date=d("2026-03-31"))

    leave_end(supporter=supporter_with_slots, leave_id=leave.pk)

    leave.refresh_from_db()
    assert (leave.start_date, leave.end_date) == (d("2026-03-01"), d("2026-03-31"))


def test_leave_end_of_another_supporters_leave_not_found(supporter_with_slots):
    leave = LeaveFactory(supporter=supporter_with_slots, start_date=d("2026-05-04"))

    with pytest.raises(LeaveOfAbsence.DoesNotExist):
        leave_end(supporter=SupporterFactory(), leave_id=leave.pk)

    assert LeaveOfAbsence.objects.get(pk=leave.pk).end_date is None


# --- listed() -------------------------------------------------------------------------------------


def test_listed_only_active_supporters(monday_morning):
    active = SupporterFactory()
    for status in ("onboarding", "inactive"):
        SupporterFactory(status=status)

    assert list(SupporterProfile.objects.listed()) == [active]


def test_listed_current_leave_hides_future_leave_does_not(monday_morning):
    on_leave_now = SupporterFactory(display_name="Ana")
    LeaveFactory(supporter=on_leave_now, start_date=d("2026-05-01"), end_date=None)
    bounded_now = SupporterFactory(display_name="Bo")
    LeaveFactory(supporter=bounded_now, start_date=d("2026-04-20"), end_date=d("2026-05-04"))
    planned = SupporterFactory(display_name="Cy")
    LeaveFactory(supporter=planned, start_date=d("2026-05-05"), end_date=None)
    back = SupporterFactory(display_name="Di")
    LeaveFactory(supporter=back, start_date=d("2026-04-01"), end_date=d("2026-05-03"))

    assert [s.display_name for s in SupporterProfile.objects.listed().order_by("display_name")] == [
        "Cy",
        "Di",
    ]


def test_listed_leave_dates_are_in_the_supporters_zone():
    # Monday 4 May, 20:00 Pacific = Tuesday 5 May, 03:00 UTC. A leave from Tuesday has not begun yet
    # for this supporter (leave_start and the slots judge dates in their zone), so they are still listed.
    supporter = SupporterFactory()
    LeaveFactory(supporter=supporter, start_date=d("2026-05-05"))
    with time_machine.travel(at("2026-05-04 20:00"), tick=False):
        assert SupporterProfile.objects.listed().filter(pk=supporter.pk).exists()
    with time_machine.travel(at("2026-05-05 00:00"), tick=False):  # now it's Tuesday for them too
        assert not SupporterProfile.objects.listed().filter(pk=supporter.pk).exists()


# --- Races (real PostgreSQL connections) -----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_slots_regenerate_slot_taken_while_it_runs_is_kept():
    """A booking takes a slot (conditional UPDATE, not yet committed) while the supporter deletes the
    rule: the regeneration waits for the row, sees it is no longer open, and leaves it."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite runs one writer at a time)")
    with time_machine.travel(at(MONDAY_8AM), tick=False):
        supporter = SupporterFactory()
        rule = rule_create(supporter=supporter, weekday=TUE, start_time=t("09:00"), end_time=t("12:00"))
        target = Slot.objects.filter(supporter=supporter).order_by("start").first()
        errors: list[BaseException] = []

        def delete_rule():
            try:
                rule_delete(supporter=supporter, rule_id=rule.pk)
            except BaseException as exc:  # reported to the main thread
                errors.append(exc)
            finally:
                connection.close()

        with transaction.atomic():
            taken = Slot.objects.filter(pk=target.pk, status=Slot.Status.OPEN).update(status=Slot.Status.HELD)
            assert taken == 1
            worker = threading.Thread(target=delete_rule)
            worker.start()
            worker.join(timeout=1)
            assert worker.is_alive(), "the regeneration should be waiting for the taken slot's row"
        worker.join(timeout=10)

    assert not worker.is_alive()
    assert errors == []
    assert list(Slot.objects.filter(supporter=supporter).values_list("pk", "status")) == [
        (target.pk, Slot.Status.HELD)
    ]
