"""Races against a real PostgreSQL: threads, each with its own connection, at the same instant."""

import pytest

from bookings.models import Booking
from bookings.services import BookingError, SlotTaken, booking_request
from supporters.models import Slot
from tests.concurrency import postgresql_only, race
from tests.factories import SeekerFactory, SlotFactory, hour_from_now
from tests.payments.helpers import give_card

pytestmark = [
    pytest.mark.django_db(transaction=True),
    postgresql_only,
]


def test_twenty_seekers_racing_for_one_slot_give_one_booking_and_nineteen_clear_refusals():
    slot = SlotFactory(start=hour_from_now(30))
    seekers = [SeekerFactory() for _ in range(20)]
    for seeker in seekers:
        give_card(seeker)  # a request needs a saved card (or a gift session)
    results = race(
        [
            lambda s=s: booking_request(seeker=s, slot_id=slot.pk, confirms_no_personal_relationship=True)
            for s in seekers
        ]
    )
    won = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, SlotTaken)]
    assert len(won) == 1, results
    assert len(refused) == 19, results
    assert all("just took" in r.message for r in refused)
    assert Booking.objects.filter(slot=slot).count() == 1
    assert Slot.objects.get(pk=slot.pk).status == Slot.Status.HELD


def test_one_seeker_requesting_two_supporters_at_the_same_hour_gets_one():
    start = hour_from_now(30)
    first, second = SlotFactory(start=start), SlotFactory(start=start)
    seeker = SeekerFactory()
    give_card(seeker)
    results = race(
        [
            lambda slot=slot: booking_request(
                seeker=seeker, slot_id=slot.pk, confirms_no_personal_relationship=True
            )
            for slot in (first, second)
        ]
    )
    won = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, BookingError)]
    assert len(won) == 1 and len(refused) == 1, results
    assert "already have a session at that time" in refused[0].message
    assert Booking.objects.filter(seeker=seeker).count() == 1
    # The loser's slot is open again: its hold rolled back with the refusal.
    assert sorted(Slot.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == [
        Slot.Status.HELD,
        Slot.Status.OPEN,
    ]


def test_the_database_refuses_overlapping_ranges_for_one_seeker_even_off_the_hour():
    """The exclusion constraint (PostgreSQL) catches overlaps the on-the-hour unique index cannot."""
    import datetime as dt

    from django.db import IntegrityError

    from tests.factories import BookingFactory

    booking = BookingFactory()
    odd = SlotFactory(start=booking.start + dt.timedelta(minutes=30))
    with pytest.raises(IntegrityError):
        Booking.objects.create(
            seeker=booking.seeker,
            supporter=odd.supporter,
            slot=odd,
            start=odd.start,
            end=odd.end,
            requested_at=booking.requested_at,
            respond_by=booking.respond_by,
        )
