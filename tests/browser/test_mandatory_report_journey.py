"""Mandatory reports and immediate backup as people use them, in Chromium against a live server
(issue 15's "Done when"): a supporter files a report and adds an addendum, a supervisor records the
agency's reference; a supporter presses "Get backup now" and sees a supervisor pick it up."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from safety.models import BackupRequest, MandatoryReport, ReportReview
from safety.views import backup as backup_views
from tests.browser.test_booking_journey import assert_accessible, signed_in_page
from tests.safety.people import session, supervisor

pytestmark = pytest.mark.django_db(transaction=True)

LA = ZoneInfo("America/Los_Angeles")
MONDAY_10AM = dt.datetime(2026, 11, 30, 10, 0, tzinfo=LA)


@time_machine.travel(MONDAY_10AM, tick=True)
def test_supporter_files_a_report_adds_an_addendum_and_a_supervisor_records_the_reference(
    browser, live_server
):
    boss = supervisor(first_name="Morgan")
    booking = session(status="completed", hours_ahead=-3)
    supporter = signed_in_page(browser, live_server, booking.supporter.user, tz="America/Los_Angeles")
    supporter.goto(reverse("bookings:detail", args=[booking.pk]))
    supporter.get_by_role("link", name="File a mandatory report").click()
    expect(supporter.get_by_role("heading", name="Who to call in California")).to_be_visible()
    assert_accessible(supporter)
    supporter.get_by_label("Abuse or neglect of a child").check()
    supporter.get_by_label("What was disclosed").fill("They said a younger sibling is left alone for days.")
    supporter.get_by_label("What you have done so far").fill(
        "Stayed calm, gave 988, told them I must report."
    )
    supporter.get_by_role("button", name="File the report").click()
    expect(supporter.get_by_text("Waiting for a supervisor to acknowledge it")).to_be_visible()
    assert_accessible(supporter)
    supporter.get_by_label("Add to this report").fill("Correction: it was last weekend, not this one.")
    supporter.get_by_role("button", name="Add the addendum").click()
    expect(supporter.get_by_text("Correction: it was last weekend")).to_be_visible()
    report = MandatoryReport.objects.get()
    assert report.booking == booking

    lead = signed_in_page(browser, live_server, boss, tz="America/Los_Angeles")
    lead.goto(reverse("safety:report_detail", args=[report.pk]))
    expect(lead.get_by_text("younger sibling")).to_be_visible()
    assert_accessible(lead)
    lead.get_by_role("button", name="Acknowledge").click()
    expect(lead.get_by_role("heading", name="Record the outcome")).to_be_visible()
    lead.get_by_label("Agency reported to").fill("County child welfare hotline")
    lead.get_by_label("Reference number the agency gave").fill("CWS-2026-0042")
    lead.get_by_label("When it was reported").fill("2026-11-30T09:45")
    lead.get_by_role("button", name="Record the agency's reference").click()
    expect(lead.get_by_text("Closed: reported to the agency")).to_be_visible()
    expect(lead.get_by_text("CWS-2026-0042")).to_be_visible()
    assert_accessible(lead)
    reported = ReportReview.objects.get(kind="reported")
    assert reported.by == boss and reported.reference == "CWS-2026-0042"
    assert reported.reported_at == dt.datetime(2026, 11, 30, 9, 45, tzinfo=LA)

    supporter.reload()
    expect(supporter.get_by_text("Closed: reported to the agency")).to_be_visible()


def test_supporter_gets_backup_and_sees_the_acknowledgement(browser, live_server, monkeypatch):
    monkeypatch.setattr(backup_views, "POLL_SECONDS", 1)
    boss = supervisor(first_name="Morgan")
    with time_machine.travel(MONDAY_10AM, tick=False):
        booking = session(hours_ahead=1)
    with time_machine.travel(booking.start + dt.timedelta(minutes=15), tick=True):
        supporter = signed_in_page(browser, live_server, booking.supporter.user, tz="America/Los_Angeles")
        supporter.goto(reverse("bookings:detail", args=[booking.pk]))
        assert_accessible(supporter)
        supporter.get_by_role("button", name="Get backup now").click()
        expect(supporter.get_by_role("heading", name="Backup is on its way")).to_be_visible()
        expect(supporter.get_by_text("9am to midnight Pacific time")).to_be_visible()
        assert_accessible(supporter)

        lead = signed_in_page(browser, live_server, boss, tz="America/Los_Angeles")
        lead.goto(reverse("safety:backup_detail", args=[BackupRequest.objects.get().pk]))
        assert_accessible(lead)
        lead.get_by_role("button", name="Acknowledge: I'm on it").click()
        expect(lead.get_by_text("Acknowledged by Morgan")).to_be_visible()

        expect(supporter.get_by_text("Morgan has picked up your request")).to_be_visible(timeout=15_000)
        assert_accessible(supporter)
