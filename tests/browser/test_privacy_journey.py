"""A seeker takes a copy of their data, then deletes their account and can no longer log in (Chromium at
390 px, axe on every page)."""

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from bookings.models import Booking
from tests.browser.test_money_moments import assert_accessible, signed_in_page
from tests.factories import PASSWORD, BookingFactory, SeekerFactory
from tests.privacy.test_export import intake_for

pytestmark = pytest.mark.django_db(transaction=True)

WEDNESDAY_9AM = dt.datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("America/Los_Angeles"))


@time_machine.travel(WEDNESDAY_9AM, tick=True)
def test_a_seeker_exports_their_data_then_deletes_their_account(browser, live_server, tmp_path):
    seeker = SeekerFactory(user__email="leaving@example.com", user__first_name="Riley")
    intake_for(seeker, "hopes to feel steadier")
    booking = BookingFactory(seeker=seeker, status=Booking.Status.CONFIRMED, hours_ahead=72)
    page = signed_in_page(browser, live_server, seeker.user)

    # My account → Your data → ask for a copy: built at once here (Celery runs inline), ready to download.
    page.goto(reverse("accounts:home"))
    page.get_by_role("link", name="Download your data").click()
    page.get_by_role("heading", name="Your data", level=1).wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Ask for a copy of your data").click()
    page.get_by_text("Your copy is ready.", exact=True).wait_for()
    assert "Not downloaded yet" in page.locator("#export-state").inner_text()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Download your data \(JSON")).click()
    saved = tmp_path / "export.json"
    download_info.value.save_as(saved)
    data = json.loads(saved.read_text())
    assert data["sections"]["account"]["email"] == "leaving@example.com"
    assert data["sections"]["seeker"]["intake"]["hopes"] == "hopes to feel steadier"
    assert [b["id"] for b in data["sections"]["bookings"]] == [booking.pk]
    page.reload()
    assert "Downloaded one time" in page.locator("#export-state").inner_text()

    # Delete: confirm it's you first, then read what happens, type the word, delete.
    page.get_by_role("link", name="Delete your account").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Delete your account", level=1).wait_for()
    assert "cancelled for free" in page.locator("#consequences").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_text("Please type DELETE to confirm").wait_for()
    assert User.objects.get(pk=seeker.user_id).is_active
    page.get_by_label("To confirm, type DELETE").fill("DELETE")
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_role("heading", name="Your account is deleted").wait_for()
    assert_accessible(page)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED

    # The old email and password no longer open anything.
    page.goto(reverse("account_login"))
    page.get_by_label("Email address").fill("leaving@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", name="Log in").is_visible()
    page.goto(reverse("accounts:home"))
    assert "/accounts/login/" in page.url
    assert [e for e in page.console_errors if "/account" not in e and "400" not in e] == []
