"""The waitlist as people use it, in Chromium against a live server (issue 16): a seeker asks to be told
when Jess has a Thursday time, another seeker cancels exactly such a time, the first gets the email
(read from the outbox's mail sink), finds the time held for them, and books it; a third seeker can't.
Axe runs on each new page at 390 px and at 1280 px. Also the footer's "Share feedback", signed out."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from bookings import services as bookings
from bookings.models import Booking
from sitefeedback.models import SiteFeedback
from supporters.models import Slot
from supporters.services import rule_create
from tests.browser.test_money_moments import assert_accessible, signed_in_page
from tests.factories import SeekerFactory, SupporterFactory
from tests.payments.helpers import give_card
from waitlist.models import WaitlistEntry

pytestmark = pytest.mark.django_db(transaction=True)

LA = ZoneInfo("America/Los_Angeles")
MONDAY_10AM = dt.datetime(2026, 11, 30, 10, 0, tzinfo=LA)
THURSDAY_10AM = dt.datetime(2026, 12, 3, 10, 0, tzinfo=LA)  # noon in Chicago
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def accessible_at_both_widths(page):
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        assert_accessible(page)
    page.set_viewport_size(PHONE)


@time_machine.travel(MONDAY_10AM, tick=True)
def test_join_the_waitlist_then_a_cancellation_is_held_for_you_and_you_book_it(
    browser, live_server, mailoutbox
):
    supporter = SupporterFactory(display_name="Jess Rivera")
    for weekday in (0, 3):  # Mondays and Thursdays, 9am–9pm Pacific
        rule_create(supporter=supporter, weekday=weekday, start_time=dt.time(9), end_time=dt.time(21))
    slot = Slot.objects.get(supporter=supporter, start=THURSDAY_10AM)
    waiting = SeekerFactory(user__first_name="Alex", user__time_zone="America/Chicago")
    give_card(waiting)
    other = SeekerFactory(user__first_name="Robin", user__time_zone="America/Chicago")
    give_card(other)
    late = SeekerFactory(user__first_name="Kim", user__time_zone="America/Chicago")
    give_card(late)
    # Robin has Thursday 10am Pacific, confirmed and paid (the charge runs after commit, against localstripe).
    booking = bookings.booking_request(seeker=other, slot_id=slot.pk, confirms_no_personal_relationship=True)
    bookings.booking_accept(booking_id=booking.pk, supporter=supporter)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED

    # Alex asks to be told about Thursdays around noon (their zone: Chicago).
    page = signed_in_page(browser, live_server, waiting.user, tz="America/Chicago")
    page.goto(reverse("supporters:profile", args=[supporter.pk]))
    page.get_by_role("link", name="Tell me when Jess Rivera has a time").click()
    page.get_by_role("heading", name="Tell me when Jess Rivera has a time").wait_for()
    accessible_at_both_widths(page)
    for day in ("Monday", "Tuesday", "Wednesday", "Friday"):
        page.get_by_label(day, exact=True).uncheck()
    page.get_by_label("From").select_option(label="11 AM")
    page.get_by_label("Until").select_option(label="1 PM")
    page.get_by_role("button", name="Join the waitlist").click()
    page.get_by_role("heading", name="Your waitlists").wait_for()
    page.get_by_text("Thursdays · 11 AM to 1 PM").wait_for()
    accessible_at_both_widths(page)
    assert WaitlistEntry.objects.get(seeker=waiting).fits(THURSDAY_10AM)

    # Robin cancels that Thursday (free: three days ahead).
    robin = signed_in_page(browser, live_server, other.user, tz="America/Chicago")
    robin.goto(reverse("bookings:cancel", args=[booking.pk]))
    robin.get_by_role("button", name="Cancel the session").click()
    robin.get_by_text("refunding the full $65 to your card").wait_for()

    # Alex gets the email: when, held until when, and a link to book it.
    email = next(m for m in mailoutbox if m.to == [waiting.user.email] and "is free" in m.subject)
    assert email.subject == "A time with Jess Rivera is free"
    assert "Thursday 3 December, 12:00 PM Central Time" in email.body
    book_url = re.search(r"Book this time: (\S+)", email.body).group(1)
    assert book_url.endswith(reverse("bookings:request", args=[slot.pk]))

    # Kim finds the time taken meanwhile.
    kim = signed_in_page(browser, live_server, late.user, tz="America/Chicago")
    kim.goto(reverse("bookings:request", args=[slot.pk]))
    kim.get_by_text("This time isn't available any more.").wait_for()

    # Alex opens the link, sees the hold, and books the time through the normal step.
    page.goto(reverse("bookings:request", args=[slot.pk]))
    page.get_by_text("We're holding this time for you until").wait_for()
    accessible_at_both_widths(page)
    page.get_by_label("I don't know this supporter outside peersnet").check()
    page.get_by_role("button", name="Request this time").click()
    page.get_by_role("heading", name="Request sent", level=1).wait_for()
    new = Booking.objects.get(slot=slot, status=Booking.Status.REQUESTED)
    assert new.seeker == waiting
    assert WaitlistEntry.objects.get(seeker=waiting).status == WaitlistEntry.Status.BOOKED
    assert not page.console_errors, page.console_errors


@time_machine.travel(MONDAY_10AM, tick=True)
def test_share_feedback_from_the_footer_signed_out(page):
    page.goto("/")
    page.get_by_role("link", name="Share feedback").click()
    page.get_by_role("heading", name="Share feedback").wait_for()
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        assert_accessible(page)
    page.get_by_label("What would you like to tell us?").fill("The filters are easy to miss on a phone.")
    page.get_by_label("Your email, if you'd like a reply").fill("visitor@example.com")
    with time_machine.travel(MONDAY_10AM + dt.timedelta(seconds=10), tick=True):  # a person takes a moment
        page.get_by_role("button", name="Send feedback").click()
        page.get_by_role("heading", name="Thank you").wait_for()
    assert SiteFeedback.objects.get().email == "visitor@example.com"
