"""The waitlist: a time that opens is held for the first person in line whose days and hours (in their own
zone) it fits; nobody else can book it while held; the hold runs out by itself and the next person is
told; leaving is one step; one waitlist email a day at most; and the email says nothing about health."""

import datetime as dt

import pytest
import time_machine

from bookings.models import Booking
from bookings.services import SlotTaken
from supporters import services as supporter_services
from supporters.models import Slot
from waitlist import services
from waitlist.models import WaitlistEntry, WaitlistOffer

from .helpers import (
    MONDAY,
    MONDAY_9AM,
    MONDAY_10AM,
    MONDAY_11AM,
    NOW,
    TUESDAY,
    TUESDAY_10AM,
    WEDNESDAY,
    at,
    join,
    mornings_supporter,
    request,
    seeker,
    slot_at,
    withdraw,
)

pytestmark = pytest.mark.django_db

HOLD = dt.timedelta(hours=2)
Offer = WaitlistOffer.Status


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def supporter(clock):
    return mornings_supporter(display_name="Ana Reyes")


@pytest.fixture
def booked(supporter):
    """Monday 10am Pacific, asked for by someone else: withdrawing it opens the time."""
    return request(seeker(), slot_at(supporter, MONDAY_10AM))


def waitlist_emails(mailoutbox):
    return [m for m in mailoutbox if m.subject.startswith("A time with")]


def offers_to(who):
    return list(WaitlistOffer.objects.filter(seeker=who).order_by("offered_at", "pk"))


# --- Matching days and hours in the seeker's zone --------------------------------------------------


def test_entry_fits_days_and_hours_in_the_seekers_own_zone(supporter):
    new_yorker = seeker("America/New_York")
    entry = join(new_yorker, supporter, days=[MONDAY], hours=(12, 14))  # noon to 2pm Eastern
    assert entry.time_zone == "America/New_York"
    assert entry.fits(MONDAY_9AM)  # 12:00 Eastern
    assert not entry.fits(MONDAY_10AM + dt.timedelta(minutes=60))  # 14:00 Eastern starts at the end
    assert not entry.fits(TUESDAY_10AM)  # a Tuesday
    assert entry.describe() == "Mondays · noon to 2 PM"

    # In Tokyo a Pacific Monday morning is already Tuesday: the seeker's own day counts.
    tokyo = join(seeker("Asia/Tokyo"), supporter, days=[TUESDAY], hours=(0, 24))
    assert tokyo.fits(MONDAY_9AM) and not tokyo.fits(TUESDAY_10AM)  # Wednesday in Tokyo


def test_join_refuses_bad_days_and_hours_and_changes_nothing(supporter):
    who = seeker()
    for days, hours in [([], (9, 12)), ([MONDAY], (12, 9)), ([MONDAY], (9, 9)), ([9], (9, 12))]:
        with pytest.raises(services.WaitlistError):
            join(who, supporter, days=days, hours=hours)
    assert not WaitlistEntry.objects.exists()


def test_joining_twice_changes_the_hours_and_keeps_the_place_in_line(supporter, clock):
    first, second = seeker(), seeker()
    entry = join(first, supporter)
    clock.shift(dt.timedelta(minutes=5))
    join(second, supporter)
    clock.shift(dt.timedelta(minutes=5))
    again = join(first, supporter, days=[MONDAY, TUESDAY], hours=(10, 12))
    assert again.pk == entry.pk and again.created_at == NOW
    assert again.days == [MONDAY, TUESDAY] and (again.from_hour, again.until_hour) == (10, 12)
    assert WaitlistEntry.objects.filter(status="waiting").count() == 2


# --- A time opens: held for the first in line ------------------------------------------------------


def test_a_withdrawn_time_is_held_for_the_first_matching_seeker_who_alone_is_emailed(
    supporter, booked, django_capture_on_commit_callbacks, mailoutbox
):
    not_mondays = seeker()
    join(not_mondays, supporter, days=[TUESDAY])  # first in line, but Mondays don't suit them
    first, second = seeker(), seeker()
    join(first, supporter)
    join(second, supporter)

    with django_capture_on_commit_callbacks(execute=True):
        withdraw(booked)

    slot = slot_at(supporter, MONDAY_10AM)
    assert slot.status == Slot.Status.RESERVED
    assert slot.reserved_for == first.user and slot.reserved_until == NOW + HOLD
    [offer] = offers_to(first)
    assert offer.status == Offer.ACTIVE and offer.expires_at == NOW + HOLD
    assert offers_to(second) == [] and offers_to(not_mondays) == []
    [email] = [m for m in mailoutbox if m.to == [first.user.email]]
    assert email.subject == "A time with Ana Reyes is free"
    assert "Monday 7 December, 10:00 AM Pacific Time" in email.body
    assert f"/book/{slot.pk}/" in email.body and "/waitlist/leave/" in email.body
    assert "988" in email.body  # the crisis line, as in every email
    for word in ("anxiety", "depress", "mental", "therapy", "intake"):
        assert word not in (email.subject + email.body).lower()
    assert not [m for m in mailoutbox if m.to in ([second.user.email], [not_mondays.user.email])]


def test_the_held_time_is_not_bookable_by_anyone_else_and_the_holder_books_it(supporter, booked):
    holder, other = seeker(), seeker()
    join(holder, supporter)
    withdraw(booked)
    slot = slot_at(supporter, MONDAY_10AM)

    with pytest.raises(SlotTaken):
        request(other, slot)
    assert not slot.is_bookable_by(other.user) and slot.is_bookable_by(holder.user)
    assert not Booking.objects.filter(seeker=other).exists()

    booking = request(holder, slot)
    assert booking.slot == slot and booking.status == Booking.Status.REQUESTED
    slot.refresh_from_db()
    assert slot.status == Slot.Status.HELD and slot.reserved_for is None
    assert offers_to(holder)[0].status == Offer.BOOKED
    assert WaitlistEntry.objects.get(seeker=holder).status == WaitlistEntry.Status.BOOKED


def test_a_hold_expires_by_itself_and_the_next_in_line_is_told(
    supporter, booked, clock, django_capture_on_commit_callbacks, mailoutbox
):
    first, second = seeker(), seeker()
    join(first, supporter)
    join(second, supporter)
    withdraw(booked)
    slot = slot_at(supporter, MONDAY_10AM)

    # Past the hold and before any sweep: the first seeker can't book it any more (the lazy check).
    clock.shift(HOLD + dt.timedelta(seconds=1))
    with pytest.raises(SlotTaken) as refused:
        request(first, slot)
    assert "held that time for you until" in refused.value.message

    with django_capture_on_commit_callbacks(execute=True):
        assert services.holds_expire_due() == 1
    slot.refresh_from_db()
    assert slot.reserved_for == second.user
    assert offers_to(first)[0].status == Offer.EXPIRED
    assert offers_to(second)[0].status == Offer.ACTIVE
    assert [m.to for m in waitlist_emails(mailoutbox)] == [[second.user.email]]

    # The second hold runs out too, with nobody else waiting: the time is open to everyone.
    clock.shift(HOLD + dt.timedelta(seconds=1))
    services.holds_expire_due()
    slot.refresh_from_db()
    assert slot.status == Slot.Status.OPEN and slot.reserved_for is None
    assert offers_to(first)[0].status == Offer.EXPIRED  # nobody is offered the same time twice
    assert services.holds_expire_due() == 0  # rerun: nothing to do


def test_leaving_in_one_step_hands_the_held_time_to_the_next_in_line(supporter, booked):
    first, second = seeker(), seeker()
    entry = join(first, supporter)
    join(second, supporter)
    withdraw(booked)

    services.waitlist_leave(entry_id=entry.pk, seeker=first)
    services.waitlist_leave(entry_id=entry.pk, seeker=first)  # a double click

    assert WaitlistEntry.objects.get(pk=entry.pk).status == WaitlistEntry.Status.LEFT
    assert offers_to(first)[0].status == Offer.WITHDRAWN
    assert slot_at(supporter, MONDAY_10AM).reserved_for == second.user


def test_leaving_someone_elses_list_is_refused(supporter):
    entry = join(seeker(), supporter)
    with pytest.raises(services.WaitlistError):
        services.waitlist_leave(entry_id=entry.pk, seeker=seeker())
    assert WaitlistEntry.objects.get(pk=entry.pk).status == WaitlistEntry.Status.WAITING


def test_at_most_one_waitlist_email_a_day_per_seeker(
    supporter, clock, django_capture_on_commit_callbacks, mailoutbox
):
    keen, patient = seeker(), seeker()
    join(keen, supporter, days=[MONDAY, TUESDAY])
    join(patient, supporter, days=[MONDAY, TUESDAY])
    monday = request(seeker(), slot_at(supporter, MONDAY_10AM))
    tuesday = request(seeker(), slot_at(supporter, TUESDAY_10AM))

    with django_capture_on_commit_callbacks(execute=True):
        withdraw(monday)  # held for the first in line
    clock.shift(HOLD + dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.holds_expire_due()  # the first let it go: the second is told
        clock.shift(dt.timedelta(hours=1))
        withdraw(tuesday)  # the same day: both were emailed today, so nobody is told
    assert sorted(m.to[0] for m in waitlist_emails(mailoutbox)) == sorted(
        [keen.user.email, patient.user.email]
    )
    assert slot_at(supporter, TUESDAY_10AM).status == Slot.Status.OPEN

    # A day later a time opens again: the first in line is told again.
    clock.shift(dt.timedelta(hours=22))
    again = request(seeker(), slot_at(supporter, TUESDAY_10AM))
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(again)
    assert waitlist_emails(mailoutbox)[-1].to == [keen.user.email]
    assert slot_at(supporter, TUESDAY_10AM).reserved_for == keen.user


def test_two_openings_two_seekers_each_time_held_for_one(supporter):
    first, second = seeker(), seeker()
    join(first, supporter)
    join(second, supporter)
    a = request(seeker(), slot_at(supporter, MONDAY_9AM))
    b = request(seeker(), slot_at(supporter, MONDAY_11AM))
    withdraw(a)
    withdraw(b)
    assert slot_at(supporter, MONDAY_9AM).reserved_for == first.user
    assert slot_at(supporter, MONDAY_11AM).reserved_for == second.user
    assert WaitlistOffer.objects.filter(status=Offer.ACTIVE).count() == 2


def test_a_new_weekly_window_offers_its_first_fitting_time(
    supporter, mailoutbox, django_capture_on_commit_callbacks
):
    wednesdays = seeker()
    join(wednesdays, supporter, days=[WEDNESDAY], hours=(13, 17))
    with django_capture_on_commit_callbacks(execute=True):
        supporter_services.rule_create(
            supporter=supporter, weekday=WEDNESDAY, start_time=dt.time(14), end_time=dt.time(17)
        )
    [offer] = offers_to(wednesdays)
    # Today is Wednesday noon: 2pm today is within the 4-hour notice, so the first fitting time is next week.
    assert offer.slot.start == at("2026-12-09 14:00")
    assert offer.slot.status == Slot.Status.RESERVED
    assert len(waitlist_emails(mailoutbox)) == 1


def test_the_horizon_rolling_forward_offers_the_new_day(supporter, clock):
    far_monday = at("2027-02-01 10:00")  # beyond the eight weeks seen from Wednesday 2 December
    who = seeker()
    join(who, supporter, days=[MONDAY], hours=(10, 11))
    assert not Slot.objects.filter(supporter=supporter, start=far_monday).exists()
    clock.move_to(at("2026-12-07 11:00"))  # Monday: the daily roll reaches 1 February 11am
    supporter_services.slots_roll_horizon()
    # Only the new Monday 10am is offered: the nearer ones opened long ago and nobody let one go.
    [offer] = offers_to(who)
    assert offer.slot.start == far_monday


def test_a_time_too_close_to_hold_is_left_open(supporter, clock):
    who = seeker()
    join(who, supporter)
    booking = request(seeker(), slot_at(supporter, MONDAY_10AM))
    # Four hours and ten minutes before the start: a hold would outlast the last moment to book it.
    clock.move_to(MONDAY_10AM - dt.timedelta(hours=4, minutes=10))
    withdraw(booking)
    assert slot_at(supporter, MONDAY_10AM).status == Slot.Status.OPEN
    assert offers_to(who) == []


def test_a_hold_ends_short_of_the_booking_notice(supporter, clock):
    who = seeker()
    join(who, supporter)
    booking = request(seeker(), slot_at(supporter, MONDAY_10AM))
    clock.move_to(MONDAY_10AM - dt.timedelta(hours=5))
    withdraw(booking)
    [offer] = offers_to(who)
    assert offer.expires_at == MONDAY_10AM - dt.timedelta(hours=4)


def test_a_held_time_the_supporter_stops_offering_closes_and_the_hold_lapses(supporter, booked):
    who = seeker()
    join(who, supporter)
    withdraw(booked)
    supporter_services.time_off_create(
        supporter=supporter, start_date=dt.date(2026, 12, 7), end_date=dt.date(2026, 12, 7)
    )
    slot = slot_at(supporter, MONDAY_10AM)
    assert slot.status == Slot.Status.CLOSED and slot.reserved_for is None
    with pytest.raises(SlotTaken):
        request(who, slot)
    services.holds_expire_due()
    assert offers_to(who)[0].status == Offer.LAPSED


def test_booking_another_time_with_the_supporter_lets_the_hold_go(
    supporter, booked, django_capture_on_commit_callbacks
):
    holder, next_in_line = seeker(), seeker()
    join(holder, supporter)
    join(next_in_line, supporter)
    withdraw(booked)
    with django_capture_on_commit_callbacks(execute=True):
        request(holder, slot_at(supporter, TUESDAY_10AM))  # they chose another time
    assert offers_to(holder)[0].status == Offer.WITHDRAWN
    # The task let go of the hold (Celery runs eagerly in tests): the next in line has it now.
    assert slot_at(supporter, MONDAY_10AM).reserved_for == next_in_line.user


def test_a_pair_in_conflict_is_never_offered_a_time_and_cant_join(
    supporter, booked, django_capture_on_commit_callbacks
):
    """ "I know this person" raised after joining: the next in line gets the time instead; joining again
    is refused without saying why."""
    from supporters.models import SupporterConflict

    knows, other = seeker(), seeker()
    join(knows, supporter, days=[MONDAY])
    join(other, supporter, days=[MONDAY])
    SupporterConflict.objects.create(supporter=supporter, seeker_user=knows.user, raised_by="supporter")
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(booked)
    assert offers_to(knows) == []
    [offer] = offers_to(other)
    assert offer.slot.start == MONDAY_10AM
    with pytest.raises(services.WaitlistError) as refused:
        join(knows, supporter, days=[TUESDAY])
    assert refused.value.code == "conflict" and "know" not in str(refused.value.message).lower()
