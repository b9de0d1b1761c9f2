"""Races against a real PostgreSQL: two times opening at once with two seekers waiting, and one seeker
waiting for two supporters whose times open at once. Each time is held for one person, nobody holds two,
and nobody gets a server error."""

import pytest
import time_machine

from supporters.models import Slot
from tests.concurrency import postgresql_only, race
from waitlist.models import WaitlistOffer

from .helpers import (
    MONDAY_9AM,
    MONDAY_11AM,
    NOW,
    join,
    mornings_supporter,
    request,
    seeker,
    slot_at,
    withdraw,
)

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]

ROUNDS = 3


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_two_openings_two_seekers_each_time_held_for_exactly_one(clock):
    for _ in range(ROUNDS):
        supporter = mornings_supporter()
        first, second = seeker(), seeker()
        join(first, supporter)
        join(second, supporter)
        a = request(seeker(), slot_at(supporter, MONDAY_9AM))
        b = request(seeker(), slot_at(supporter, MONDAY_11AM))

        results = race([lambda a=a: withdraw(a), lambda b=b: withdraw(b)])

        assert not [r for r in results if isinstance(r, Exception)], results
        held = {slot_at(supporter, start).reserved_for_id for start in (MONDAY_9AM, MONDAY_11AM)}
        assert held == {first.user_id, second.user_id}
        offers = WaitlistOffer.objects.filter(slot__supporter=supporter, status="active")
        assert sorted(o.seeker_id for o in offers) == sorted([first.pk, second.pk])


def test_one_seeker_waiting_for_two_supporters_is_held_one_time(clock):
    for _ in range(ROUNDS):
        ana, bo = mornings_supporter(), mornings_supporter()
        both, only_bo = seeker(), seeker()
        join(both, ana)
        join(both, bo)
        join(only_bo, bo)
        a = request(seeker(), slot_at(ana, MONDAY_9AM))
        b = request(seeker(), slot_at(bo, MONDAY_9AM))

        results = race([lambda a=a: withdraw(a), lambda b=b: withdraw(b)])

        assert not [r for r in results if isinstance(r, Exception)], results
        assert WaitlistOffer.objects.filter(seeker=both).count() == 1
        # Whichever supporter's time went first to ``both``, Bo's time is held for someone on Bo's list.
        bo_slot = slot_at(bo, MONDAY_9AM)
        assert bo_slot.status == Slot.Status.RESERVED
        assert bo_slot.reserved_for_id in (both.user_id, only_bo.user_id)
        assert Slot.objects.filter(status=Slot.Status.RESERVED, reserved_for=both.user).count() == 1
