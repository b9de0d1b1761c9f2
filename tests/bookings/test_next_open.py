"""A supporter's stored next open time (``SupporterProfile.next_open_at``) stays right through every slot
status change, availability change, the roll and races, and the directory never shows a stale one.

"Right" is always the same thing: the start of the supporter's earliest open slot that can be booked now
(minimum notice to horizon), read from the slots themselves. Each case takes a real path through the
booking and supporter services (setup and clock as in ``test_freed_slots``).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from bookings import services
from bookings.models import Booking
from bookings.services import SlotTaken
from supporters import services as supporter_services
from supporters.models import Slot, SupporterProfile
from supporters.selectors import DirectoryFilters, supporter_list_directory
from tests.bookings.test_freed_slots import FREEINGS, MONDAY, NOW, PT, TUESDAY_10AM, at, request, slot_at
from tests.concurrency import postgresql_only, race
from tests.factories import SeekerFactory, SupporterFactory
from tests.payments.helpers import give_card

pytestmark = pytest.mark.django_db

MONDAY_9AM = at("2026-12-07 09:00")  # the supporter's earliest open slot at NOW
MONDAY_10AM = at("2026-12-07 10:00")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def supporter(clock):
    """Works Mondays and Tuesdays 09:00–12:00 Pacific (as in test_freed_slots)."""
    supporter = SupporterFactory()
    supporter.monday_rule, _tuesday_rule = (
        supporter_services.rule_create(
            supporter=supporter, weekday=weekday, start_time=dt.time(9), end_time=dt.time(12)
        )
        for weekday in (0, 1)
    )
    return supporter


def truth(supporter_id: int, now: dt.datetime | None = None) -> dt.datetime | None:
    """The earliest open bookable start, from the slots."""
    not_before, not_after = supporter_services.bookable_window(now)
    return (
        Slot.objects.filter(
            supporter_id=supporter_id, status=Slot.Status.OPEN, start__gte=not_before, start__lte=not_after
        )
        .order_by("start")
        .values_list("start", flat=True)
        .first()
    )


def stored(supporter_id: int) -> dt.datetime | None:
    return SupporterProfile.objects.values_list("next_open_at", flat=True).get(pk=supporter_id)


def assert_right(supporter_id: int) -> dt.datetime | None:
    value = stored(supporter_id)
    assert value == truth(supporter_id)
    return value


def test_next_open_is_set_by_the_rules_and_moves_with_time_off_leave_and_rule_changes(supporter):
    assert assert_right(supporter.pk) == MONDAY_9AM
    supporter_services.time_off_create(supporter=supporter, start_date=MONDAY, end_date=MONDAY)
    assert assert_right(supporter.pk) == at("2026-12-08 09:00")
    time_off = supporter.time_off.get()
    supporter_services.time_off_delete(supporter=supporter, time_off_id=time_off.pk)
    assert assert_right(supporter.pk) == MONDAY_9AM
    supporter_services.leave_start(supporter=supporter, start_date=MONDAY, end_date=MONDAY)
    assert assert_right(supporter.pk) == at("2026-12-08 09:00")
    supporter_services.leave_end(supporter=supporter, leave_id=supporter.leaves.get().pk)
    assert assert_right(supporter.pk) == MONDAY_9AM
    supporter_services.rule_delete(supporter=supporter, rule_id=supporter.monday_rule.pk)
    assert assert_right(supporter.pk) == at("2026-12-08 09:00")
    for rule in supporter.rules.all():
        supporter_services.rule_delete(supporter=supporter, rule_id=rule.pk)
    assert assert_right(supporter.pk) is None


@pytest.mark.parametrize("freeing", FREEINGS)
def test_next_open_follows_the_earliest_slot_taken_and_let_go(supporter, freeing):
    hold, free, _final = FREEINGS[freeing]
    earliest = slot_at(supporter, MONDAY_9AM)
    booking = hold(SeekerFactory(), earliest)
    # Held, accepted or confirmed: the next open time is the hour after.
    assert assert_right(supporter.pk) == at("2026-12-07 10:00")

    free(booking)

    booking.refresh_from_db()
    value = assert_right(supporter.pk)
    if freeing == "rescheduled away":
        assert booking.start == TUESDAY_10AM  # Monday 9:00 is open again, Tuesday 10:00 taken
    assert value == MONDAY_9AM


def test_next_open_skips_a_slot_taken_later_and_follows_a_reschedule_onto_the_earliest(supporter):
    seeker = SeekerFactory()
    booking = request(seeker, slot_at(supporter, TUESDAY_10AM))
    assert assert_right(supporter.pk) == MONDAY_9AM  # a later slot taken: next open stays
    services.booking_reschedule(
        booking_id=booking.pk, seeker=seeker, new_slot_id=slot_at(supporter, MONDAY_9AM).pk
    )
    assert assert_right(supporter.pk) == at("2026-12-07 10:00")


def test_next_open_refused_request_changes_nothing(supporter):
    earliest = slot_at(supporter, MONDAY_9AM)
    request(SeekerFactory(), earliest)
    before = stored(supporter.pk)
    with pytest.raises(SlotTaken):
        request(SeekerFactory(), earliest)
    assert stored(supporter.pk) == before == truth(supporter.pk)


def test_next_open_comes_within_the_notice_the_directory_hides_it_until_the_refresh(clock, supporter):
    # Monday 05:30: 09:00 is less than four hours away and can't be booked any more.
    clock.move_to(at("2026-12-07 05:30"))
    assert stored(supporter.pk) == MONDAY_9AM != truth(supporter.pk)
    listed = supporter_list_directory(filters=DirectoryFilters(), viewer_tz=PT)
    assert supporter.pk not in [row.pk for row in listed]  # never shown with a time that can't be booked

    assert supporter_services.next_open_refresh_stale() == 1

    assert assert_right(supporter.pk) == at("2026-12-07 10:00")
    row = supporter_list_directory(filters=DirectoryFilters(), viewer_tz=PT).get(pk=supporter.pk)
    assert row.next_open == at("2026-12-07 10:00")
    assert supporter_services.next_open_refresh_stale() == 0


def test_next_open_the_roll_moves_stale_values_and_inactive_supporters_have_none(clock, supporter):
    other = SupporterFactory()
    supporter_services.rule_create(supporter=other, weekday=0, start_time=dt.time(9), end_time=dt.time(12))
    SupporterProfile.objects.filter(pk=other.pk).update(status=SupporterProfile.Status.INACTIVE)
    clock.move_to(at("2026-12-07 05:30"))
    supporter_services.slots_roll_horizon()
    assert assert_right(supporter.pk) == at("2026-12-07 10:00")
    assert stored(other.pk) is None


# --- Races (real threads on PostgreSQL) -------------------------------------------------------------


@pytest.fixture
def two_slot_supporter():
    """A supporter whose only open slots are Monday 9:00 and 10:00, outside any test transaction."""
    with transaction.atomic():
        supporter = SupporterFactory()
        supporter_services.rule_create(
            supporter=supporter, weekday=0, start_time=dt.time(9), end_time=dt.time(11)
        )
        Slot.objects.filter(supporter=supporter).exclude(
            start__in=[MONDAY_9AM, at("2026-12-07 10:00")]
        ).delete()
        supporter_services.next_open_update(supporter_ids=[supporter.pk])
    return supporter


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("clock")
def test_next_open_race_for_the_last_two_open_slots_leaves_none(two_slot_supporter):
    supporter = two_slot_supporter
    assert assert_right(supporter.pk) == MONDAY_9AM
    seekers = [SeekerFactory() for _ in range(4)]
    for seeker in seekers:
        give_card(seeker)
    slots = [slot_at(supporter, MONDAY_9AM), slot_at(supporter, at("2026-12-07 10:00"))]

    results = race([lambda s=seeker, slot=slots[i % 2]: request(s, slot) for i, seeker in enumerate(seekers)])

    won = [result for result in results if isinstance(result, Booking)]
    assert len(won) == 2, results
    assert all(isinstance(result, (Booking, SlotTaken)) for result in results), results
    # Both slots were taken by different transactions at the same moment: none is left open.
    assert assert_right(supporter.pk) is None


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("clock")
def test_next_open_race_booking_the_earliest_against_a_regeneration_and_a_release(two_slot_supporter):
    supporter = two_slot_supporter
    seekers = [SeekerFactory() for _ in range(2)]
    for seeker in seekers:
        give_card(seeker)
    held = request(seekers[0], slot_at(supporter, at("2026-12-07 10:00")))
    assert assert_right(supporter.pk) == MONDAY_9AM

    results = race(
        [
            lambda: request(seekers[1], slot_at(supporter, MONDAY_9AM)),
            lambda: services.booking_withdraw(booking_id=held.pk, seeker=seekers[0]),
            lambda: supporter_services.slots_regenerate(supporter_id=supporter.pk),
        ]
    )

    assert not any(isinstance(result, Exception) for result in results), results
    # 9:00 taken by the second seeker; 10:00 open again; the regeneration added the weeks after.
    assert Slot.objects.get(supporter=supporter, start=MONDAY_9AM).status == Slot.Status.HELD
    assert assert_right(supporter.pk) == at("2026-12-07 10:00")


# --- The stored time-of-day forms --------------------------------------------------------------------


def test_time_of_day_next_open_is_stored_per_us_zone_and_the_directory_matches_the_slots(clock, supporter):
    from supporters.models import STORED_TIME_OF_DAY_ZONES, time_of_day_field
    from supporters.services.slots import slots_at_time_of_day

    # Monday and Tuesday 09:00–12:00 Pacific: 09:00 is a morning in Pacific and Mountain time, noon in
    # Eastern; no slot is an evening anywhere in the US.
    request(SeekerFactory(), slot_at(supporter, MONDAY_9AM))
    profile = SupporterProfile.objects.get(pk=supporter.pk)
    not_before, not_after = supporter_services.bookable_window()
    for zone_name in STORED_TIME_OF_DAY_ZONES:
        for kind in ("mornings", "evenings"):
            slots = Slot.objects.filter(
                supporter=supporter, status=Slot.Status.OPEN, start__gte=not_before, start__lte=not_after
            )
            first = slots_at_time_of_day(slots, kind, ZoneInfo(zone_name)).order_by("start").first()
            assert getattr(profile, time_of_day_field(kind, zone_name)) == (first.start if first else None)
    assert profile.next_mornings_pacific == MONDAY_10AM
    assert profile.next_evenings_pacific is None

    # In December Denver (stored) and Phoenix (read from the slots) are both UTC-7: the same answer.
    for when in ("mornings", "evenings"):
        stored_rows = supporter_list_directory(
            filters=DirectoryFilters(when=when), viewer_tz=ZoneInfo("America/Denver")
        )
        from_slots = supporter_list_directory(
            filters=DirectoryFilters(when=when), viewer_tz=ZoneInfo("America/Phoenix")
        )
        assert [(r.pk, r.next_open) for r in stored_rows] == [(r.pk, r.next_open) for r in from_slots]
    mornings = supporter_list_directory(filters=DirectoryFilters(when="mornings"), viewer_tz=PT)
    assert [(r.pk, r.next_open) for r in mornings] == [(supporter.pk, MONDAY_10AM)]
