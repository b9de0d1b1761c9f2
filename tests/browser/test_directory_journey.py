"""Finding a supporter and setting one's hours, in Chromium against a live server."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.urls import reverse

from supporters.models import Slot, Tag
from supporters.services import rule_create
from tests.factories import SupporterFactory, TagFactory

pytestmark = pytest.mark.django_db(transaction=True)

LA = ZoneInfo("America/Los_Angeles")
MONDAY_8AM = dt.datetime(2026, 11, 30, 8, 0, tzinfo=LA)


def assert_accessible(page):
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()


@time_machine.travel(MONDAY_8AM, tick=True)
def test_seeker_filters_the_directory_opens_a_profile_and_pages_through_weeks(page):
    grief = TagFactory(kind=Tag.Kind.TOPIC, name="Grief and loss", slug="grief")
    anxiety = TagFactory(kind=Tag.Kind.TOPIC, name="Anxiety", slug="anxiety")
    spanish = TagFactory(kind=Tag.Kind.LANGUAGE, name="Spanish", slug="spanish")
    rosa = SupporterFactory(display_name="Rosa Delgado", intro="I lost my dad at 19.", tags=[grief, spanish])
    SupporterFactory(display_name="Sam Lee", intro="Panic attacks taught me a lot.", tags=[anxiety])
    rule_create(supporter=rosa, weekday=1, start_time=dt.time(17), end_time=dt.time(19))  # Tuesdays

    page.goto(reverse("supporters:directory"))
    assert page.get_by_role("heading", name="2 supporters").is_visible()
    assert_accessible(page)

    page.get_by_text("Filters", exact=True).click()  # the filters sit behind a disclosure (phone first)
    page.get_by_text("Lived experience and topics").first.click()  # opens the topic group
    page.get_by_label("Grief and loss").check()  # htmx updates the results on change
    page.get_by_role("heading", name="1 supporter").wait_for()
    assert "topic=grief" in page.url  # the URL carries the filters: shareable, works without JS
    assert page.get_by_text("Sam Lee").count() == 0
    # The viewer is in Chicago: Tuesday 17:00 Pacific is 7:00 PM there.
    assert page.get_by_text(re.compile(r"Next available: .*7:00 PM")).is_visible()

    # The same URL loaded fresh (no JavaScript state) gives the same result.
    page.goto(page.url)
    assert page.get_by_role("heading", name="1 supporter").is_visible()

    page.get_by_role("link", name="Rosa Delgado").first.click()
    page.get_by_role("heading", name="Rosa Delgado", level=1).wait_for()
    assert page.get_by_text("I lost my dad at 19.").first.is_visible()
    week = page.locator("#week")
    assert week.get_by_role("link", name=re.compile("Book Tuesday 1 December at")).count() == 2
    assert_accessible(page)
    week.get_by_role("link", name="Next week").click()
    week.get_by_role("link", name=re.compile("Book Tuesday 8 December at")).first.wait_for()
    assert "week=1" in page.url
    week.get_by_role("link", name="Previous week").click()
    week.get_by_role("link", name=re.compile("Book Tuesday 1 December at")).first.wait_for()
    assert page.console_errors == []


@time_machine.travel(MONDAY_8AM, tick=True)
def test_supporter_sets_weekly_hours_adds_time_off_and_sees_meter_and_profile_change(browser, live_server):
    supporter = SupporterFactory(display_name="Jess Rivera")
    TOTP.activate(supporter.user, "JBSWY3DPEHPK3PXP")
    client = Client()
    client.force_login(supporter.user)
    context = browser.new_context(base_url=live_server.url, timezone_id="America/Los_Angeles")
    context.set_default_timeout(10_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()

    page.goto(reverse("supporters:manage_availability"))
    assert page.get_by_text("Below the minimum").count() >= 3  # no hours yet
    assert_accessible(page)

    def add_window(day: str, start: str, end: str, *, accepted: bool = True) -> None:
        page.get_by_label("Day", exact=True).select_option(label=day)
        page.get_by_label("From", exact=True).select_option(start)
        page.get_by_label("Until", exact=True).select_option(end)
        if accepted:  # htmx answers a saved window with a redirect to the refreshed page
            with page.expect_navigation():
                page.get_by_role("button", name="Add this window").click()
        else:  # a refused one re-renders the form in place with its message
            page.get_by_role("button", name="Add this window").click()
            page.locator("#rule-form .form-errors").wait_for()

    add_window("Tuesday", "17:00", "20:00")
    add_window("Thursday", "09:00", "12:00")
    meter = page.get_by_text(re.compile(r"Week of Mon 7 Dec: 6 hours \(minimum 5\)"))
    meter.wait_for()
    assert page.get_by_text(re.compile(r"Week of Mon 14 Dec: 6 hours")).is_visible()

    # Days outside operating hours aren't offered, and the page says what the window is (a crafted post
    # is refused with a message: tests/supporters/test_operating_choices.py).
    day_options = page.get_by_label("Day", exact=True).locator("option").all_inner_texts()
    assert "Saturday" not in day_options and "Tuesday" in day_options
    assert page.get_by_text(re.compile("operating hours")).first.is_visible()
    assert Slot.objects.filter(supporter=supporter, start__week_day=7).count() == 0

    # Time off on Tuesday 8 December removes that day's sessions from the profile.
    page.goto(reverse("supporters:manage_time_off"))
    page.get_by_label("First day off").fill("2026-12-08")
    page.get_by_label("Last day off").fill("2026-12-08")
    with page.expect_navigation():
        page.get_by_role("button", name="Add time off").click()
    page.goto(reverse("supporters:manage_availability"))
    page.get_by_text(re.compile(r"Week of Mon 7 Dec: 3 hours")).wait_for()

    page.goto(reverse("supporters:profile", args=[supporter.pk]) + "?week=1")
    week = page.locator("#week")
    thursday = week.locator("li.week-day", has=page.get_by_role("heading", name="Thursday 10 December"))
    tuesday = week.locator("li.week-day", has=page.get_by_role("heading", name="Tuesday 8 December"))
    assert thursday.locator("time").count() == 3
    assert tuesday.locator("time").count() == 0
    # A supporter can't book, so their own times carry no Book links (they would lead to a 404).
    assert week.get_by_role("link", name=re.compile("^Book ")).count() == 0
    assert page.get_by_text("Only seekers can book sessions").is_visible()
    context.close()
