"""Issue 12's money moments in Chromium at 390 px, with axe (serious/critical) on every page: a move that
keeps free cancellation and the cancel page after it, the card-first flow's summary and Cancel, the
directory's first supporter above the fold, and a staff refund in dollars with its confirmation."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.urls import reverse

from bookings.models import Booking
from bookings.services import booking_accept
from payments.models import Refund
from tests.factories import BookingFactory, SeekerFactory, SlotFactory, StaffFactory, SupporterFactory
from tests.payments.helpers import give_card

pytestmark = pytest.mark.django_db(transaction=True)

LA = ZoneInfo("America/Los_Angeles")
WEDNESDAY_9AM = dt.datetime(2026, 12, 2, 9, 0, tzinfo=LA)
PHONE = {"width": 390, "height": 844}


def signed_in_page(browser, live_server, user, *, tz="America/Los_Angeles"):
    """A browser context already signed in as ``user`` (the login form is covered by its own journey)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, timezone_id=tz, viewport=PHONE)
    context.set_default_timeout(10_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return page


def assert_accessible(page):
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()


@time_machine.travel(WEDNESDAY_9AM, tick=True)
def test_a_move_never_lands_inside_the_last_24_hours_and_the_cancel_page_after_it_is_free(
    browser, live_server
):
    seeker = SeekerFactory(user__time_zone="America/Los_Angeles")
    booking = BookingFactory(seeker=seeker, status=Booking.Status.CONFIRMED, hours_ahead=72)
    inside = SlotFactory(supporter=booking.supporter, start=WEDNESDAY_9AM + dt.timedelta(hours=10))
    friday = SlotFactory(supporter=booking.supporter, start=WEDNESDAY_9AM + dt.timedelta(hours=48))
    page = signed_in_page(browser, live_server, seeker.user)

    page.goto(reverse("bookings:reschedule", args=[booking.pk]))
    page.get_by_role("heading", name="Move your session").wait_for()
    assert "Only times more than 24 hours away are listed" in page.locator("#reschedule-terms").inner_text()
    assert page.locator(f"input[value='{inside.pk}']").count() == 0  # 7:00 PM today is not offered
    day = page.get_by_role("group", name="Friday 4 December")
    assert day.is_visible()
    assert_accessible(page)
    day.get_by_label(re.compile(r"^9:00 AM")).check()
    page.get_by_role("button", name="Move my session").click()
    page.get_by_text("Your session has its new time").wait_for()
    booking.refresh_from_db()
    assert booking.slot_id == friday.pk

    # Cancelling after the move is still free, and the page says until when, with the zone.
    page.goto(reverse("bookings:cancel", args=[booking.pk]))
    terms = page.locator("#cancel-terms").inner_text()
    assert "This cancellation is free" in terms
    assert re.search(r"Thursday 3 December, 9:00 AM Pacific Time \(PST\)", terms)
    assert page.get_by_role("button", name="Cancel the session").is_visible()
    assert_accessible(page)
    assert page.console_errors == []


@time_machine.travel(WEDNESDAY_9AM, tick=True)
def test_the_card_step_comes_after_the_booking_summary_and_its_cancel_goes_back_to_the_profile(
    browser, live_server
):
    supporter = SupporterFactory(display_name="Jess Rivera")
    slot = SlotFactory(supporter=supporter, start=WEDNESDAY_9AM + dt.timedelta(hours=30))
    seeker = SeekerFactory(user__time_zone="America/Los_Angeles")  # no card, no gift
    page = signed_in_page(browser, live_server, seeker.user)

    page.goto(reverse("bookings:request", args=[slot.pk]))
    page.get_by_role("heading", name="Book a session").wait_for()
    summary = page.locator(".booking-summary").inner_text()
    assert "Jess Rivera" in summary
    assert "Thursday 3 December, 3:00 PM Pacific Time (PST)" in summary
    assert "$65, charged only if Jess Rivera accepts" in summary
    assert "24 hours before it starts" in page.locator("#booking-terms").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Continue: add a card").click()
    page.wait_for_url(re.compile(r"/account/card/"))
    page.get_by_role("heading", name="Your card").wait_for()
    page.get_by_role("link", name="Cancel", exact=True).click()
    page.wait_for_url(re.compile(rf"{reverse('supporters:profile', args=[supporter.pk])}$"))
    page.get_by_role("heading", name="Jess Rivera", level=1).wait_for()


@time_machine.travel(WEDNESDAY_9AM, tick=True)
def test_the_first_supporter_is_on_the_first_screen_of_the_directory_at_390_px(page):
    for name in ("Rosa Delgado", "Sam Lee", "Ari Cohen"):
        SupporterFactory(display_name=name)
    page.goto(reverse("supporters:directory"))
    first = page.locator(".supporter-card").first
    first.wait_for()
    box = first.bounding_box()
    assert box["y"] < 844, f"first card starts at {box['y']} px, below the first screen"
    page.screenshot(path="/tmp/uxm-dir.png")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 130, f"the header is {header['height']} px tall"
    # The filters are one "Filters" line until opened (a <details>: works without JavaScript).
    assert page.get_by_role("button", name="Show supporters").is_hidden()
    page.get_by_text("Filters", exact=True).click()
    assert page.get_by_role("button", name="Show supporters").is_visible()
    assert_accessible(page)


@time_machine.travel(WEDNESDAY_9AM, tick=True)
def test_staff_refund_in_dollars_with_a_confirmation_naming_seeker_session_and_amount(
    browser, live_server, after_commit
):
    booking = BookingFactory(hours_ahead=30)  # a request; accepting charges the saved card in localstripe
    give_card(booking.seeker)
    with after_commit():
        booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    staff = StaffFactory(is_superuser=True, time_zone="America/New_York")
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    page = signed_in_page(browser, live_server, staff, tz="America/New_York")

    page.goto("/")
    page.get_by_text("More", exact=True).click()
    page.get_by_role("link", name="Admin").click()
    page.goto(reverse("admin:bookings_booking_change", args=[booking.pk]))
    page.get_by_role("link", name="Refund…").click()
    page.get_by_label("Amount to refund, in dollars").fill("65")
    page.get_by_role("button", name="Continue").click()
    confirm = page.locator("#refund-confirm").inner_text()
    assert booking.seeker.user.email in confirm
    assert booking.supporter.display_name in confirm and "Eastern Time" in confirm
    assert "$65" in confirm
    assert not Refund.objects.exists()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, refund $65").click()
    page.get_by_text("Refund of $65 recorded").wait_for()
    assert "Refunded in full" in page.content()
    assert Refund.objects.get().amount_cents == 6500
    assert page.console_errors == []
