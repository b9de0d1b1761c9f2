"""The incremental daily roll: only the days entering the horizon, in batches of supporters, safe to run
twice, resumable after a crash half-way, and a full regeneration when operating hours changed."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import OperationalError

from supporters import services
from supporters.models import HorizonRoll, OperatingHours, Slot, SupporterProfile
from tests.factories import RuleFactory, SupporterFactory

pytestmark = pytest.mark.django_db

PT = ZoneInfo("America/Los_Angeles")
# Monday 4 May 2026, 22:00 Pacific (as in test_services): the horizon ends Monday 29 June 22:00.
START = dt.datetime(2026, 5, 4, 22, 0, tzinfo=PT)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def supporters(clock):
    people = [SupporterFactory() for _ in range(5)]
    for supporter in people:
        for weekday in (0, 1):
            RuleFactory(supporter=supporter, weekday=weekday, start_time=dt.time(9), end_time=dt.time(12))
    services.slots_roll_horizon()  # the first run fills the whole horizon
    return people


def inventory() -> list[tuple[int, dt.datetime, str]]:
    return list(Slot.objects.order_by("supporter_id", "start").values_list("supporter_id", "start", "status"))


def next_opens() -> list:
    return list(SupporterProfile.objects.order_by("pk").values_list("next_open_at", flat=True))


def test_roll_adds_only_the_day_entering_the_horizon(clock, supporters):
    clock.shift(dt.timedelta(days=1))  # Tuesday: Tuesday 30 June enters, Tuesday 5 May is past
    result = services.slots_roll_horizon()
    assert (result.created, result.removed) == (3 * 5, 3 * 5)
    run = HorizonRoll.objects.get(day=dt.date(2026, 5, 6))
    assert run.finished_at is not None and not run.full
    assert run.through_supporter_id == supporters[-1].pk


def test_roll_twice_the_same_day_changes_nothing(clock, supporters):
    clock.shift(dt.timedelta(days=1))
    services.slots_roll_horizon()
    slots, opens = inventory(), next_opens()

    again = services.slots_roll_horizon()

    assert (again.created, again.removed) == (0, 0)
    assert inventory() == slots
    assert next_opens() == opens


def test_roll_resumes_after_a_crash_half_way_and_ends_as_a_clean_run_would(clock, supporters, monkeypatch):
    clock.shift(dt.timedelta(days=1))
    real = services.slots._roll_batch
    calls: list[list[int]] = []

    def crashing(ids, **kwargs):
        calls.append(ids)
        if len(calls) == 3:
            raise OperationalError("the database went away")  # a crash: not caught, the task retries
        return real(ids, **kwargs)

    monkeypatch.setattr("supporters.services.slots._roll_batch", crashing)
    with pytest.raises(OperationalError):
        services.slots_roll_horizon(batch_size=2)
    run = HorizonRoll.objects.get(day=dt.date(2026, 5, 6))
    # Two batches committed with their progress; the third rolled back.
    assert run.finished_at is None
    assert run.through_supporter_id == supporters[3].pk
    assert Slot.objects.filter(supporter=supporters[0], start__date=dt.date(2026, 6, 30)).count() == 3
    assert not Slot.objects.filter(supporter=supporters[4], start__date=dt.date(2026, 6, 30)).exists()

    calls.clear()
    monkeypatch.setattr("supporters.services.slots._roll_batch", real)
    resumed = services.slots_roll_horizon(batch_size=2)

    assert resumed.created == 3  # only the last supporter's new Tuesday
    run.refresh_from_db()
    assert run.finished_at is not None
    for supporter in supporters:
        on_new_day = Slot.objects.filter(supporter=supporter, start__gte=dt.datetime(2026, 6, 30, tzinfo=PT))
        assert on_new_day.count() == 3
    # Every stored next open time is the earliest open bookable slot.
    not_before, _ = services.bookable_window()
    for supporter in SupporterProfile.objects.all():
        first = (
            Slot.objects.filter(supporter=supporter, status=Slot.Status.OPEN, start__gte=not_before)
            .order_by("start")
            .values_list("start", flat=True)
            .first()
        )
        assert supporter.next_open_at == first


def test_roll_query_count_does_not_grow_with_supporters(clock, supporters, django_assert_max_num_queries):
    clock.shift(dt.timedelta(days=1))
    services.fair_order_rewrite()  # what beat ran at midnight; the roll then only checks it (one query)
    with django_assert_max_num_queries(30) as five:
        services.slots_roll_horizon()
    for _ in range(20):
        supporter = SupporterFactory()
        RuleFactory(supporter=supporter, weekday=2, start_time=dt.time(9), end_time=dt.time(12))
        services.slots_regenerate(supporter_id=supporter.pk)
    clock.shift(dt.timedelta(days=1))
    services.fair_order_rewrite()
    with django_assert_max_num_queries(30) as twenty_five:
        services.slots_roll_horizon()
    assert len(twenty_five) == len(five)


def test_roll_after_operating_hours_changed_regenerates_everyone(clock, supporters):
    # Staff close at 11:00 on Mondays, and the task that should have regenerated everyone was lost.
    for weekday in range(5):
        OperatingHours.objects.create(
            weekday=weekday, opens_at=dt.time(9), closes_at=dt.time(11 if weekday == 0 else 21)
        )
    clock.shift(dt.timedelta(days=1))

    services.slots_roll_horizon()

    assert HorizonRoll.objects.get(day=dt.date(2026, 5, 6)).full
    late_monday = Slot.objects.filter(status=Slot.Status.OPEN, start=dt.datetime(2026, 5, 11, 11, tzinfo=PT))
    assert not late_monday.exists()
    assert Slot.objects.filter(start=dt.datetime(2026, 5, 11, 10, tzinfo=PT)).count() == 5
