"""The booking lifecycle as people use it, in Chromium against a live server."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from bookings.models import Booking
from supporters.models import Slot
from supporters.services import rule_create
from tests.factories import SeekerFactory, SupporterFactory
from tests.payments.helpers import give_card

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in_page(browser, live_server, user, *, tz="America/Chicago"):
    """A browser context already signed in as ``user`` (the login form is covered by its own journey)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=live_server.url, timezone_id=tz, viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(10_000)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    return context.new_page()


def assert_accessible(page):
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()


LA = ZoneInfo("America/Los_Angeles")
MONDAY_10AM = dt.datetime(2026, 11, 30, 10, 0, tzinfo=LA)


@time_machine.travel(MONDAY_10AM, tick=True)
def test_request_accept_join_and_cancel_free_and_late(browser, live_server, mailoutbox):
    supporter = SupporterFactory(display_name="Jess Rivera")
    TOTP.activate(supporter.user, "JBSWY3DPEHPK3PXP")
    for weekday in (0, 3):  # Mondays and Thursdays, 9am–9pm Pacific: slots come from the rules
        rule_create(supporter=supporter, weekday=weekday, start_time=dt.time(9), end_time=dt.time(21))
    far = Slot.objects.get(supporter=supporter, start=dt.datetime(2026, 12, 3, 10, tzinfo=LA))  # Thu, 72 h
    near = Slot.objects.get(supporter=supporter, start=dt.datetime(2026, 11, 30, 16, tzinfo=LA))  # in 6 h
    seeker = SeekerFactory(user__first_name="Alex", user__time_zone="America/Chicago")
    give_card(seeker)  # the card form itself is driven in the payments journey
    seeker_page = signed_in_page(browser, live_server, seeker.user)
    supporter_page = signed_in_page(browser, live_server, supporter.user)

    # The seeker picks a time on the profile and requests it.
    seeker_page.goto(reverse("supporters:profile", args=[supporter.pk]))
    seeker_page.locator(f"a[href='{reverse('bookings:request', args=[far.pk])}']").click()
    seeker_page.get_by_role("heading", name="Book a session").wait_for()
    assert_accessible(seeker_page)
    seeker_page.get_by_label("I don't know this supporter outside peersnet").check()
    seeker_page.get_by_role("button", name="Request this time").click()
    # "Request sent", with what happens next; the intake is offered there (with "Later").
    seeker_page.get_by_role("heading", name="Request sent", level=1).wait_for()
    assert seeker_page.get_by_role("link", name="Later").is_visible()
    assert_accessible(seeker_page)
    seeker_page.get_by_role("link", name="Answer the questions now").click()
    seeker_page.get_by_role("heading", name="Before your first session").wait_for()
    seeker_page.get_by_label("Preferred name", exact=True).fill("Alex")
    seeker_page.get_by_label("What you hope to get from peer support").fill("Someone who gets it")
    seeker_page.get_by_label("Emergency contact's name").fill("Sam")
    seeker_page.get_by_label("Emergency contact's phone").fill("+1 555 123 4567")
    seeker_page.get_by_label("I understand that peer support is not therapy").check()
    seeker_page.get_by_role("button", name="Save").click()
    seeker_page.get_by_text("Waiting for Jess Rivera to accept").wait_for()
    booking = Booking.objects.get(slot=far)

    # The supporter accepts from the dashboard.
    supporter_page.goto(reverse("bookings:supporter_dashboard"))
    assert "intake complete" in supporter_page.content()
    assert "Someone who gets it" not in supporter_page.content()
    assert_accessible(supporter_page)
    supporter_page.get_by_role("button", name=re.compile(r"^Accept")).click()
    supporter_page.get_by_text("Accepted.").wait_for()

    # The confirmation email carries the video link and an invite that parses.
    confirmation = next(m for m in mailoutbox if m.subject == "Your session is confirmed")
    booking.refresh_from_db()
    assert booking.video_url in confirmation.body
    name, content, mimetype = confirmation.attachments[0]
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == booking.start
    assert mimetype.startswith("text/calendar")

    # The portal shows the confirmed session; Join opens only 10 minutes before the start.
    seeker_page.goto(reverse("bookings:portal"))
    seeker_page.get_by_text("Confirmed").first.wait_for()
    assert_accessible(seeker_page)
    detail = reverse("bookings:detail", args=[booking.pk])
    with time_machine.travel(booking.start - dt.timedelta(minutes=30), tick=False):
        seeker_page.goto(detail)
        assert seeker_page.get_by_text("The room opens at").is_visible()
        assert seeker_page.get_by_role("link", name="Join the session").count() == 0
    with time_machine.travel(booking.start - dt.timedelta(minutes=5), tick=False):
        seeker_page.goto(detail)
        join = seeker_page.get_by_role("link", name="Join the session")
        assert join.is_visible()
        response = seeker_page.request.get(join.get_attribute("href"), max_redirects=0)
        assert response.headers["location"] == booking.video_url

    # Three days ahead: cancelling is free, and the page says so before confirming.
    seeker_page.goto(reverse("bookings:cancel", args=[booking.pk]))
    assert "This cancellation is free" in seeker_page.locator("#cancel-terms").inner_text()
    assert_accessible(seeker_page)
    seeker_page.get_by_role("button", name="Cancel the session").click()
    seeker_page.get_by_text("refunding the full $65 to your card").wait_for()
    booking.refresh_from_db()
    assert (booking.status, booking.money) == (Booking.Status.CANCELLED, Booking.Money.REFUND_FULL)

    # A second session, accepted, then cancelled two hours before it starts: late, after the warning.
    seeker_page.goto(reverse("bookings:request", args=[near.pk]))
    seeker_page.get_by_role("button", name="Request this time").click()
    second = Booking.objects.get(slot=near)
    supporter_page.goto(reverse("bookings:supporter_dashboard"))
    supporter_page.get_by_role("button", name=re.compile(r"^Accept")).click()
    supporter_page.get_by_text("Accepted.").wait_for()
    with time_machine.travel(second.start - dt.timedelta(hours=2), tick=True):
        seeker_page.goto(reverse("bookings:cancel", args=[second.pk]))
        assert "late cancellation: the full fee is kept" in seeker_page.locator("#cancel-terms").inner_text()
        seeker_page.get_by_role("button", name="Cancel; the fee is kept").click()
        seeker_page.get_by_text("the full fee is kept").first.wait_for()
    second.refresh_from_db()
    assert (second.status, second.money) == (Booking.Status.LATE_CANCELLED, Booking.Money.KEEP_FEE)
