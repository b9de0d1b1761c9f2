"""A safety plan as people write it, in Chromium against a live server (issue 15's "Done when"): the
supporter starts it from the session page, the seeker finds it pinned on their portal and adds to it
(two versions), prints it on one sheet and downloads the PDF."""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse
from playwright.sync_api import expect

from bookings.models import Booking
from safety.models import SafetyPlan
from tests.browser.test_booking_journey import assert_accessible, signed_in_page
from tests.factories import BookingFactory, SeekerFactory, SupporterFactory

pytestmark = pytest.mark.django_db(transaction=True)

LA = ZoneInfo("America/Los_Angeles")
MONDAY_10AM = dt.datetime(2026, 11, 30, 10, 0, tzinfo=LA)


@time_machine.travel(MONDAY_10AM, tick=True)
def test_supporter_and_seeker_write_the_plan_and_the_seeker_prints_and_downloads_it(
    browser, live_server, tmp_path
):
    supporter = SupporterFactory(display_name="Jess Rivera")
    TOTP.activate(supporter.user, "JBSWY3DPEHPK3PXP")
    seeker = SeekerFactory(user__first_name="Alex", user__time_zone="America/Chicago")
    booking = BookingFactory(seeker=seeker, slot__supporter=supporter, status=Booking.Status.CONFIRMED)

    # The supporter starts the plan from the session page, with the seeker.
    supporter_page = signed_in_page(browser, live_server, supporter.user, tz="America/Los_Angeles")
    supporter_page.goto(reverse("bookings:detail", args=[booking.pk]))
    supporter_page.get_by_role("link", name="Safety plan with Alex").click()
    supporter_page.get_by_role("heading", name="Safety plan", exact=True).wait_for()
    assert "Nothing written yet" in supporter_page.content()
    assert "ended in the last 90 days" in supporter_page.content()
    assert_accessible(supporter_page)
    supporter_page.get_by_role("link", name="Start the plan").click()
    supporter_page.get_by_label("Warning signs").fill("Not sleeping\nSkipping meals")
    supporter_page.get_by_label("Things I can do on my own").fill("Walk to the river\nPlay guitar")
    supporter_page.get_by_label("My reasons for living").fill("My little brother")
    assert_accessible(supporter_page)
    supporter_page.get_by_role("button", name="Save the plan").click()
    expect(supporter_page.get_by_text("Saved. This is now the newest version")).to_be_visible()
    assert "Version 1" in supporter_page.content()

    # The seeker finds it pinned on their portal and adds the people to ask for help.
    seeker_page = signed_in_page(browser, live_server, seeker.user)
    seeker_page.goto(reverse("bookings:portal"))
    seeker_page.locator("#pin-safety_plan").get_by_role("link", name="My safety plan").click()
    seeker_page.get_by_role("heading", name="My safety plan").wait_for()
    assert "Walk to the river" in seeker_page.content() and "by Jess Rivera" in seeker_page.content()
    assert_accessible(seeker_page)
    seeker_page.get_by_role("link", name="Edit the plan").click()
    seeker_page.get_by_label("People I can ask for help").fill("My aunt Dee, 555 0100")
    seeker_page.get_by_role("button", name="Save the plan").click()
    expect(seeker_page.get_by_text("Saved. This is now the newest version")).to_be_visible()
    assert "Version 2" in seeker_page.content()
    seeker_page.get_by_role("link", name="Earlier versions").click()
    versions = seeker_page.locator(".plan-versions li")
    expect(versions).to_have_count(2)
    assert_accessible(seeker_page)
    assert SafetyPlan.objects.get(seeker=seeker).version == 2

    # The print view: the print stylesheet is linked, the site's chrome hides, the plan fits one sheet.
    seeker_page.goto(reverse("safety:plan", args=[seeker.pk]))
    seeker_page.get_by_role("link", name="Print view").click()
    seeker_page.get_by_role("heading", name="My safety plan").wait_for()
    assert seeker_page.locator('link[rel="stylesheet"][href$="/css/print.css"]').count() == 1
    assert_accessible(seeker_page)
    seeker_page.emulate_media(media="print")
    for chrome in (".site-header", ".site-footer", ".crisis-strip", ".print-controls"):
        expect(seeker_page.locator(chrome)).to_be_hidden()
    expect(seeker_page.get_by_text("My aunt Dee, 555 0100")).to_be_visible()
    expect(seeker_page.locator(".plan-sheet__crisis")).to_be_visible()
    printed = seeker_page.pdf(format="Letter", print_background=False)  # Chromium's own print of the page
    assert len(re.findall(rb"/Type\s*/Page[^s]", printed)) == 1
    seeker_page.emulate_media(media="screen")

    # The PDF download: an attachment named without personal data.
    with seeker_page.expect_download() as caught:
        seeker_page.get_by_role("link", name="Download as PDF").click()
    download = caught.value
    assert download.suggested_filename == "safety-plan.pdf"
    saved = tmp_path / "plan.pdf"
    download.save_as(saved)
    assert Path(saved).read_bytes().startswith(b"%PDF")
