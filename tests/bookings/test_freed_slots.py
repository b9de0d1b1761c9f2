"""A slot a booking lets go of follows the supporter's *current* rules (issue 9, black-box defect 1).

Black-box testing found that a slot freed by a withdrawn, declined or expired request (also a released
unpaid booking, a cancellation, a reschedule's old slot) stayed open and was booked by a second seeker
after the supporter had removed that hour from their week, taken that day off, or started a leave that
covers it. Each case below takes a real path through the booking services: the first seeker holds the
slot, the supporter changes their availability, the booking lets go of the slot, and then a second
seeker must find that hour nowhere (profile, next available, directory) and be refused if they ask for it.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from bookings import services
from bookings.models import Booking
from bookings.services import SlotTaken
from payments.services import seeker_card
from supporters import services as supporter_services
from supporters.models import Slot
from supporters.selectors import DirectoryFilters, slot_list_next_available, supporter_list_directory
from tests.factories import SeekerFactory, SupporterFactory
from tests.payments.helpers import give_card

pytestmark = pytest.mark.django_db

PT = ZoneInfo("America/Los_Angeles")
Status = Booking.Status


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=PT)


# Wednesday 2 December 2026, noon Pacific: far from any clock change. The supporter works Mondays and
# Tuesdays 09:00–12:00; the first seeker asks for Monday 7 December 10:00, and a reschedule moves to
# Tuesday 8 December 10:00, a day that none of the changes below touches.
NOW = at("2026-12-02 12:00")
MONDAY = dt.date(2026, 12, 7)
MONDAY_10AM = at("2026-12-07 10:00")
TUESDAY_10AM = at("2026-12-08 10:00")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def supporter(clock):
    supporter = SupporterFactory()
    supporter.monday_rule, _tuesday_rule = (
        supporter_services.rule_create(
            supporter=supporter, weekday=weekday, start_time=dt.time(9), end_time=dt.time(12)
        )
        for weekday in (0, 1)
    )
    return supporter


def slot_at(supporter, start: dt.datetime) -> Slot:
    return Slot.objects.get(supporter=supporter, start=start)


def request(seeker, slot) -> Booking:
    """A request as the booking page makes it: the seeker saved a card first (the service insists)."""
    if seeker_card(seeker=seeker) is None:
        give_card(seeker)
    return services.booking_request(seeker=seeker, slot_id=slot.pk, confirms_no_personal_relationship=True)


def accepted(seeker, slot) -> Booking:
    """Requested and accepted: waiting for the card payment (the charge itself runs after commit)."""
    booking = request(seeker, slot)
    return services.booking_accept(booking_id=booking.pk, supporter=slot.supporter)


def confirmed(seeker, slot) -> Booking:
    booking = accepted(seeker, slot)
    return services.booking_payment_succeeded(booking_id=booking.pk, amount_cents=booking.price_cents)


# --- The availability changes the supporter makes while the first seeker holds the slot ---------------


def remove_the_rule(supporter) -> None:
    supporter_services.rule_delete(supporter=supporter, rule_id=supporter.monday_rule.pk)


def take_the_day_off(supporter) -> None:
    supporter_services.time_off_create(supporter=supporter, start_date=MONDAY, end_date=MONDAY)


def start_a_leave(supporter) -> None:
    # A planned one-day leave: the supporter stays listed until then, so only the slot can stop a booking.
    supporter_services.leave_start(supporter=supporter, start_date=MONDAY, end_date=MONDAY)


CHANGES = {
    "rule removed": remove_the_rule,
    "day off": take_the_day_off,
    "leave": start_a_leave,
}


# --- The ways a booking lets go of its slot: (hold it, then free it) --------------------------------


def withdraw(booking: Booking) -> None:
    services.booking_withdraw(booking_id=booking.pk, seeker=booking.seeker)


def decline(booking: Booking) -> None:
    services.booking_decline(booking_id=booking.pk, supporter=booking.supporter)


def expire(booking: Booking) -> None:
    services.booking_expire(booking_id=booking.pk, now=booking.respond_by)


def release(booking: Booking) -> None:
    assert services.bookings_release_due(now=booking.payment_due_by) == 1


def seeker_cancels(booking: Booking) -> None:
    services.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)


def supporter_cancels(booking: Booking) -> None:
    services.booking_cancel_by_supporter(booking_id=booking.pk, supporter=booking.supporter)


def reschedule_away(booking: Booking) -> None:
    new_slot = slot_at(booking.supporter, TUESDAY_10AM)
    services.booking_reschedule(booking_id=booking.pk, seeker=booking.seeker, new_slot_id=new_slot.pk)


FREEINGS = {
    "withdrawn": (request, withdraw, Status.WITHDRAWN),
    "declined": (request, decline, Status.DECLINED),
    "expired": (request, expire, Status.EXPIRED),
    "released unpaid": (accepted, release, Status.RELEASED),
    "cancelled by the seeker": (confirmed, seeker_cancels, Status.CANCELLED),
    "cancelled by the supporter": (confirmed, supporter_cancels, Status.CANCELLED_BY_SUPPORTER),
    "rescheduled away": (confirmed, reschedule_away, Status.CONFIRMED),
}


def offered_slot_ids(client, supporter) -> set[int]:
    """Every slot a seeker is offered right now, on the profile, next available and the directory."""
    profile = client.get(reverse("supporters:profile", args=[supporter.pk]))
    assert profile.status_code == 200
    next_page = client.get(reverse("supporters:next_available"))
    assert next_page.status_code == 200
    pages = profile.content.decode() + next_page.content.decode()
    ids = {
        slot.pk
        for slot in Slot.objects.filter(supporter=supporter)
        if reverse("bookings:request", args=[slot.pk]) in pages
    }
    ids |= {slot.pk for slot in slot_list_next_available(filters=DirectoryFilters(), viewer_tz=PT, limit=500)}
    listed = supporter_list_directory(filters=DirectoryFilters(), viewer_tz=PT).get(pk=supporter.pk)
    if listed.next_open is not None:
        ids.add(slot_at(supporter, listed.next_open).pk)
    return ids


@pytest.mark.parametrize("freeing", FREEINGS)
@pytest.mark.parametrize("change", CHANGES)
def test_freed_slot_is_closed_when_the_supporter_no_longer_works_that_hour(
    client, supporter, change, freeing
):
    hold, free, final_status = FREEINGS[freeing]
    slot = slot_at(supporter, MONDAY_10AM)
    booking = hold(SeekerFactory(), slot)
    held_status = Slot.objects.get(pk=slot.pk).status
    assert held_status in (Slot.Status.HELD, Slot.Status.BOOKED)

    CHANGES[change](supporter)
    assert Slot.objects.get(pk=slot.pk).status == held_status  # a taken slot is never touched
    free(booking)

    booking.refresh_from_db()
    assert booking.status == final_status
    if freeing == "rescheduled away":
        assert booking.start == TUESDAY_10AM
    assert Slot.objects.get(pk=slot.pk).status == Slot.Status.CLOSED
    assert slot.pk not in offered_slot_ids(client, supporter)
    second = SeekerFactory()
    with pytest.raises(SlotTaken):
        request(second, slot)
    assert not Booking.objects.filter(seeker=second).exists()
    assert Slot.objects.get(pk=slot.pk).status == Slot.Status.CLOSED


@pytest.mark.parametrize("freeing", FREEINGS)
def test_freed_slot_opens_again_when_the_supporter_still_works_that_hour(client, supporter, freeing):
    """The control: with no change to the supporter's availability, a freed hour can be booked again."""
    hold, free, final_status = FREEINGS[freeing]
    slot = slot_at(supporter, MONDAY_10AM)
    booking = hold(SeekerFactory(), slot)

    free(booking)

    booking.refresh_from_db()
    assert booking.status == final_status
    assert Slot.objects.get(pk=slot.pk).status == Slot.Status.OPEN
    assert slot.pk in offered_slot_ids(client, supporter)
    profile = client.get(reverse("supporters:profile", args=[supporter.pk])).content.decode()
    assert reverse("bookings:request", args=[slot.pk]) in profile  # the pages do show Book links
    assert request(SeekerFactory(), slot).status == Status.REQUESTED
