"""The slot service that decides a freed slot on the current rules, and regeneration that closes (not only
deletes) slots a booking still points to and re-opens them when the rules allow again."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bookings.models import Booking
from supporters.models import OperatingHours, Slot, SupporterProfile
from supporters.services import (
    leave_end,
    leave_start,
    rule_create,
    rule_delete,
    slot_free,
    slots_regenerate,
    slots_roll_horizon,
    time_off_create,
    time_off_delete,
)
from tests.factories import SeekerFactory, SupporterFactory

pytestmark = pytest.mark.django_db

PT = ZoneInfo("America/Los_Angeles")
MON, TUE = 0, 1


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=PT)


NOW = at("2026-12-02 12:00")  # a Wednesday, noon Pacific, far from a clock change
MONDAY = dt.date(2026, 12, 7)
MONDAY_10AM = at("2026-12-07 10:00")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def supporter(clock):
    """Works Mondays 09:00–12:00 Pacific; ``supporter.rule`` is that rule."""
    supporter = SupporterFactory()
    supporter.rule = rule_create(
        supporter=supporter, weekday=MON, start_time=dt.time(9), end_time=dt.time(12)
    )
    return supporter


def slot_at(supporter, start=MONDAY_10AM) -> Slot:
    return Slot.objects.get(supporter=supporter, start=start)


def freed_by(slot: Slot, status: str = Booking.Status.DECLINED) -> Booking:
    """A booking that let go of ``slot`` (its row still points to it); the slot is open as it was left."""
    return Booking.objects.create(
        seeker=SeekerFactory(),
        supporter=slot.supporter,
        slot=slot,
        start=slot.start,
        end=slot.end,
        status=status,
        requested_at=NOW - dt.timedelta(hours=1),
        respond_by=NOW + dt.timedelta(hours=23),
    )


def status_of(slot: Slot) -> str:
    return Slot.objects.get(pk=slot.pk).status


# --- slot_free ----------------------------------------------------------------------------------------


def held(slot: Slot) -> Slot:
    Slot.objects.filter(pk=slot.pk).update(status=Slot.Status.HELD)
    return slot


def test_slot_free_opens_an_hour_the_supporter_still_offers(supporter):
    slot = held(slot_at(supporter))
    assert slot_free(slot_id=slot.pk).status == Slot.Status.OPEN
    assert status_of(slot) == Slot.Status.OPEN


@pytest.mark.parametrize(
    "change",
    ["rule removed", "rule moved", "day off", "leave", "open-ended leave", "inactive", "operating hours"],
)
def test_slot_free_closes_an_hour_the_supporter_no_longer_offers(supporter, change):
    slot = held(slot_at(supporter))
    if change == "rule removed":
        rule_delete(supporter=supporter, rule_id=supporter.rule.pk)
    elif change == "rule moved":  # Monday 11:00–14:00 no longer has 10:00
        rule_delete(supporter=supporter, rule_id=supporter.rule.pk)
        rule_create(supporter=supporter, weekday=MON, start_time=dt.time(11), end_time=dt.time(14))
    elif change == "day off":
        time_off_create(supporter=supporter, start_date=MONDAY, end_date=MONDAY)
    elif change == "leave":
        leave_start(supporter=supporter, start_date=MONDAY, end_date=MONDAY)
    elif change == "open-ended leave":
        leave_start(supporter=supporter, start_date=MONDAY - dt.timedelta(days=2), end_date=None)
    elif change == "inactive":
        SupporterProfile.objects.filter(pk=supporter.pk).update(status=SupporterProfile.Status.INACTIVE)
    elif change == "operating hours":  # staff close Mondays at 10:00 Pacific
        OperatingHours.objects.create(weekday=MON, opens_at=dt.time(9), closes_at=dt.time(10))
    assert status_of(slot) == Slot.Status.HELD  # a taken slot is never touched by the change

    assert slot_free(slot_id=slot.pk).status == Slot.Status.CLOSED
    assert status_of(slot) == Slot.Status.CLOSED


def test_slot_free_closes_an_hour_inside_the_minimum_notice(supporter, clock):
    slot = held(slot_at(supporter))
    clock.move_to(MONDAY_10AM - dt.timedelta(hours=3))  # a withdrawal three hours before: too late to book
    assert slot_free(slot_id=slot.pk).status == Slot.Status.CLOSED
    assert slot_free(slot_id=slot.pk, now=NOW).status == Slot.Status.OPEN  # decided at the given instant


def test_slot_free_judges_days_in_the_supporters_zone(clock):
    """A New York supporter's Monday off covers their Monday, whatever the day is in UTC or Pacific."""
    supporter = SupporterFactory(time_zone="America/New_York")
    rule_create(supporter=supporter, weekday=MON, start_time=dt.time(18), end_time=dt.time(20))
    evening = held(slot_at(supporter, at("2026-12-07 16:00")))  # 19:00 in New York, 00:00 UTC Tuesday
    time_off_create(supporter=supporter, start_date=MONDAY, end_date=MONDAY)
    assert slot_free(slot_id=evening.pk).status == Slot.Status.CLOSED


# --- Regeneration: close what a booking points to, re-open when allowed again ---------------------------


@pytest.mark.parametrize("change", ["rule removed", "day off", "leave"])
def test_slots_regenerate_closes_a_freed_slot_a_booking_points_to(supporter, change):
    slot = slot_at(supporter)
    declined = freed_by(slot)
    if change == "rule removed":
        rule_delete(supporter=supporter, rule_id=supporter.rule.pk)
    elif change == "day off":
        time_off_create(supporter=supporter, start_date=MONDAY, end_date=MONDAY)
    else:
        leave_start(supporter=supporter, start_date=MONDAY, end_date=MONDAY)

    assert status_of(slot) == Slot.Status.CLOSED
    # Every other slot of that Monday is gone; the declined request still shows when it was for.
    assert list(Slot.objects.filter(supporter=supporter, start__date=MONDAY)) == [slot]
    declined.refresh_from_db()
    assert (declined.slot_id, declined.start) == (slot.pk, slot.start)


def test_slots_regenerate_reopens_a_closed_slot_when_the_rule_comes_back(supporter):
    slot = slot_at(supporter)
    freed_by(slot)
    rule_delete(supporter=supporter, rule_id=supporter.rule.pk)
    assert status_of(slot) == Slot.Status.CLOSED

    rule_create(supporter=supporter, weekday=MON, start_time=dt.time(9), end_time=dt.time(12))

    assert status_of(slot) == Slot.Status.OPEN
    assert Slot.objects.filter(supporter=supporter, start=MONDAY_10AM).count() == 1
    assert slots_regenerate(supporter_id=supporter.pk).reopened == 0  # nothing left to do


def test_slots_regenerate_reopens_a_closed_slot_when_the_day_off_is_removed(supporter):
    slot = slot_at(supporter)
    freed_by(slot, Booking.Status.WITHDRAWN)
    time_off = time_off_create(supporter=supporter, start_date=MONDAY, end_date=MONDAY)
    assert status_of(slot) == Slot.Status.CLOSED

    time_off_delete(supporter=supporter, time_off_id=time_off.pk)

    assert status_of(slot) == Slot.Status.OPEN


def test_slots_regenerate_reopens_a_closed_slot_when_a_planned_leave_is_called_off(supporter):
    slot = slot_at(supporter)
    freed_by(slot, Booking.Status.EXPIRED)
    leave = leave_start(supporter=supporter, start_date=MONDAY, end_date=MONDAY)
    assert status_of(slot) == Slot.Status.CLOSED

    leave_end(supporter=supporter, leave_id=leave.pk)

    assert status_of(slot) == Slot.Status.OPEN


def test_slots_regenerate_never_reopens_a_closed_slot_inside_the_notice(supporter, clock):
    slot = slot_at(supporter)
    freed_by(slot)
    rule_delete(supporter=supporter, rule_id=supporter.rule.pk)
    clock.move_to(MONDAY_10AM - dt.timedelta(hours=1))
    rule_create(supporter=supporter, weekday=MON, start_time=dt.time(9), end_time=dt.time(12))
    assert status_of(slot) == Slot.Status.CLOSED


def test_slots_roll_horizon_closes_freed_slots_of_inactive_supporters(supporter):
    slot = slot_at(supporter)
    freed_by(slot, Booking.Status.CANCELLED)
    SupporterProfile.objects.filter(pk=supporter.pk).update(status=SupporterProfile.Status.INACTIVE)

    slots_roll_horizon()

    assert list(Slot.objects.filter(supporter=supporter).values_list("pk", "status")) == [
        (slot.pk, Slot.Status.CLOSED)
    ]
