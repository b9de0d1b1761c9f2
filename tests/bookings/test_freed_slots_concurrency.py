"""A booking letting go of its slot while the supporter changes their week, at the same instant, against a
real PostgreSQL: whichever commits first, the freed hour ends up closed, and nobody gets a server error."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bookings import services
from bookings.models import Booking
from supporters import services as supporter_services
from supporters.models import Slot
from tests.concurrency import postgresql_only, race
from tests.factories import SeekerFactory, SupporterFactory
from tests.payments.helpers import give_card

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]

PT = ZoneInfo("America/Los_Angeles")
NOW = dt.datetime(2026, 12, 2, 12, tzinfo=PT)  # a Wednesday, noon Pacific
MONDAY_10AM = dt.datetime(2026, 12, 7, 10, tzinfo=PT)
TUESDAY_10AM = dt.datetime(2026, 12, 8, 10, tzinfo=PT)
ROUNDS = 5


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def seeker_with_card():
    seeker = SeekerFactory()
    give_card(seeker)  # the booking page asks for a card before the first request
    return seeker


def supporter_with_mondays_and_tuesdays():
    supporter = SupporterFactory()
    rules = [
        supporter_services.rule_create(
            supporter=supporter, weekday=weekday, start_time=dt.time(9), end_time=dt.time(12)
        )
        for weekday in (0, 1)
    ]
    return supporter, rules


def test_withdraw_racing_the_rule_removal_leaves_the_hour_closed(clock):
    for _ in range(ROUNDS):
        supporter, (monday, _tuesday) = supporter_with_mondays_and_tuesdays()
        slot = Slot.objects.get(supporter=supporter, start=MONDAY_10AM)
        booking = services.booking_request(
            seeker=seeker_with_card(), slot_id=slot.pk, confirms_no_personal_relationship=True
        )

        results = race(
            [
                lambda b=booking: services.booking_withdraw(booking_id=b.pk, seeker=b.seeker),
                lambda s=supporter, r=monday: supporter_services.rule_delete(supporter=s, rule_id=r.pk),
            ]
        )

        assert not [r for r in results if isinstance(r, Exception)], results
        assert Booking.objects.get(pk=booking.pk).status == Booking.Status.WITHDRAWN
        assert Slot.objects.get(pk=slot.pk).status == Slot.Status.CLOSED


def test_reschedule_racing_the_removal_of_the_new_days_rule_never_deadlocks(clock):
    """Moving to Tuesday while Tuesday's rule goes: the move either wins (Tuesday stays booked) or finds
    the time gone; the old Monday hour is open again only if the move happened."""
    for _ in range(ROUNDS):
        supporter, (_monday, tuesday) = supporter_with_mondays_and_tuesdays()
        slot = Slot.objects.get(supporter=supporter, start=MONDAY_10AM)
        new_slot = Slot.objects.get(supporter=supporter, start=TUESDAY_10AM)
        booking = services.booking_request(
            seeker=seeker_with_card(), slot_id=slot.pk, confirms_no_personal_relationship=True
        )

        results = race(
            [
                lambda b=booking, n=new_slot: services.booking_reschedule(
                    booking_id=b.pk, seeker=b.seeker, new_slot_id=n.pk
                ),
                lambda s=supporter, r=tuesday: supporter_services.rule_delete(supporter=s, rule_id=r.pk),
            ]
        )

        moved, removed = results
        assert removed is None, results
        booking.refresh_from_db()
        if isinstance(moved, Booking):
            assert booking.slot_id == new_slot.pk
            assert Slot.objects.get(pk=new_slot.pk).status == Slot.Status.HELD
            assert Slot.objects.get(pk=slot.pk).status == Slot.Status.OPEN
        else:
            assert isinstance(moved, services.SlotTaken), results
            assert booking.slot_id == slot.pk
            assert Slot.objects.get(pk=slot.pk).status == Slot.Status.HELD
            assert not Slot.objects.filter(pk=new_slot.pk, status=Slot.Status.OPEN).exists()
