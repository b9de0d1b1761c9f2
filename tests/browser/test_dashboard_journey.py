"""Issue 18, operations dashboard: a member of operations goes from the admin index to the dashboard,
whose charts and tables pass axe at phone and desktop width under our CSP (no console errors), and a
number's link opens the admin list it counts."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from bookings.models import Booking
from supporters.models import Slot
from tests.browser.test_money_moments import assert_accessible, signed_in_page
from tests.factories import BookingFactory, SlotFactory, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)

LA = ZoneInfo("America/Los_Angeles")
WEDNESDAY_10AM = dt.datetime(2026, 12, 2, 10, 0, tzinfo=LA)
# Elements whose right edge passes the screen's, outside a box that scrolls them (the page itself must
# never scroll sideways at phone width; wide tables and the heatmap scroll in their own box).
WIDER_THAN_THE_SCREEN = """
[...document.querySelectorAll("main *")].filter(el => {
  const box = ".table-wrap, .chart-figure--scroll";
  if (el.closest(box) && !el.matches(box)) return false;
  return el.getBoundingClientRect().right > window.innerWidth + 1;
}).map(el => el.tagName + "." + el.className)
"""


@time_machine.travel(WEDNESDAY_10AM, tick=True)
def test_operations_open_the_dashboard_and_follow_a_number_to_its_admin_list(browser, live_server):
    for _ in range(2):
        BookingFactory(status=Booking.Status.REQUESTED, hours_ahead=30)
    for hours in (-20, -44):
        BookingFactory(status=Booking.Status.COMPLETED, hours_ahead=hours)
    SlotFactory(start=dt.datetime(2026, 12, 3, 11, tzinfo=LA), status=Slot.Status.OPEN)
    staff = StaffFactory(first_name="Oli")
    staff.groups.add(Group.objects.get(name="operations"))
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    page = signed_in_page(browser, live_server, staff)

    page.goto("/admin/")
    page.get_by_role("link", name="Operations dashboard: the week at a glance").click()
    page.get_by_role("heading", name="Operations dashboard", level=1).wait_for()
    assert page.locator('svg[role="img"]').count() == 2
    assert page.get_by_role("img", name="Sessions per day this week").count() == 1
    for summary in page.locator("details.data-table summary").all():
        summary.click()  # the data tables, open, are checked too
    page.get_by_role("table", name="Sessions per day, week of 30 November 2026 (Pacific time)").wait_for()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.console_errors == []  # a CSP violation (inline style or script) is a console error
        assert_accessible(page)
        # At phone width the page itself never scrolls sideways: the wide tables scroll in their box.
        wide = page.evaluate(WIDER_THAN_THE_SCREEN)
        assert wide == [], wide
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_role("link", name="2 (Requests waiting for a supporter: open the list)").click()
    page.locator("#changelist").wait_for()
    assert "2 bookings" in page.locator(".paginator").inner_text()
    assert page.locator("#result_list tbody tr").count() == 2
