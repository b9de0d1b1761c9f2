"""Supervision and pay as people use them, in Chromium: a supervisor records a 1:1; the month closes (the
clock on the 1st, the job run); the supporter opens their statement and its PDF; operations download the
payroll CSV. Every page passes axe."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from tests.browser.test_booking_journey import assert_accessible, signed_in_page
from tests.workforce.pay_helpers import paid_supporter, pt, session_at, staff_with_role
from workforce import tasks
from workforce.models import PayStatement, SupervisionSession

pytestmark = pytest.mark.django_db(transaction=True)


def test_supervision_to_statement_to_payroll(browser, live_server):
    with time_machine.travel(pt(2026, 11, 20, 11), tick=True):
        supporter = paid_supporter(display_name="Jess Rivera", cents=2600)
        supervisor = staff_with_role("supervisor", first_name="Maya")
        ops = staff_with_role("operations")
        session_at(supporter, pt(2026, 11, 16, 10))
        session_at(supporter, pt(2026, 11, 17, 10))

        # The supervisor schedules the 1:1 that just happened and records it.
        page = signed_in_page(browser, live_server, supervisor, tz="America/Los_Angeles")
        page.goto(reverse("workforce:supervision_list"))
        page.get_by_role("heading", name="Supervision", level=1).wait_for()
        assert_accessible(page)
        page.get_by_label("1:1 supervision").check()
        page.get_by_label("Jess Rivera").check()
        page.get_by_label("Starts at (your time)").fill("2026-11-20T09:00")
        page.get_by_label("Length in minutes").fill("60")
        page.get_by_role("button", name="Schedule").click()
        page.get_by_role("heading", name="Record this session").wait_for()
        assert_accessible(page)
        page.get_by_label("Jess Rivera").check()
        page.get_by_label("Private notes").fill("Talked through a hard week; plan for rest.")
        page.get_by_role("button", name="Save record").click()
        page.get_by_text("Session recorded.").wait_for()
        session = SupervisionSession.objects.get()
        assert session.status == "held" and session.attendances.get().attended

        page.goto(reverse("workforce:supervision_compliance"))
        page.get_by_text("0 of 1 active supporter below the requirement").wait_for()
        assert_accessible(page)
        page.context.close()

    # The month closes: the job runs on the 1st (Pacific), twice.
    with time_machine.travel(pt(2026, 12, 1, 2, 25), tick=True):
        tasks.generate_pay_statements()
        tasks.generate_pay_statements()
        statement = PayStatement.objects.get()
        assert (statement.total_minutes, statement.total_cents) == (180, 7800)

        # The supporter opens their statement and its PDF.
        page = signed_in_page(browser, live_server, supporter.user, tz="America/Los_Angeles")
        page.goto(reverse("workforce:my_pay"))
        page.get_by_role("heading", name="Your pay").wait_for()
        assert_accessible(page)
        page.get_by_role("link", name="November 2026").click()
        page.get_by_role("heading", name="Pay statement, November 2026").wait_for()
        assert page.get_by_text("1:1 supervision").is_visible()
        assert_accessible(page)
        pdf_url = page.get_by_role("link", name="Download as PDF").get_attribute("href")
        pdf = page.request.get(pdf_url)
        assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
        page.context.close()

        # Operations download the month's summary CSV for the payroll provider.
        page = signed_in_page(browser, live_server, ops, tz="America/Los_Angeles")
        page.goto(reverse("workforce:pay_month"))
        page.get_by_role("heading", name="Pay for November 2026").wait_for()
        assert_accessible(page)
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the summary CSV").click()
        with open(download.value.path(), encoding="utf-8") as handle:
            rows = list(csv.DictReader(io.StringIO(handle.read())))
        assert [(r["supporter_name"], r["hours"], r["total_cents"]) for r in rows] == [
            ("Jess Rivera", "3.00", "7800")
        ]
        page.get_by_label("Jess Rivera").check()
        page.get_by_label("Paid on").fill(dt.date(2026, 12, 1).isoformat())
        page.get_by_role("button", name="Mark paid").click()
        page.get_by_text("1 statement marked paid.").wait_for()
        page.context.close()
