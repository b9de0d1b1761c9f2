"""Issue 16's matching journeys in Chromium, with axe (serious/critical) at 390 px and on the desktop:
a signed-out visitor takes the questionnaire on a phone, sees suggestions with reasons, signs up and finds
"Suggested for you" on the directory; a seeker asks our team, staff suggest two supporters, the seeker
sees them; a seeker hides a supporter and no longer sees them anywhere."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from matching.models import MatchAnswers, TeamRequest
from supporters.models import Tag
from tests.browser.test_accounts_journey import fill_signup
from tests.browser.test_money_moments import assert_accessible, signed_in_page
from tests.factories import SeekerFactory, SlotFactory, StaffFactory, SupporterFactory, TagFactory

pytestmark = pytest.mark.django_db(transaction=True)

LA = ZoneInfo("America/Los_Angeles")
# Monday 30 November 2026, 9am Pacific.
MONDAY_9AM = dt.datetime(2026, 11, 30, 9, 0, tzinfo=LA)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def both_widths(page) -> None:
    """axe at phone width, then at desktop width, then back to the phone."""
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)
    assert_accessible(page)
    page.set_viewport_size(PHONE)


def make_supporters():
    anxiety = TagFactory(kind=Tag.Kind.TOPIC, name="Anxiety", slug="anxiety")
    grief = TagFactory(kind=Tag.Kind.TOPIC, name="Grief", slug="grief")
    spanish = TagFactory(kind=Tag.Kind.LANGUAGE, name="Spanish", slug="spanish")
    TagFactory(kind=Tag.Kind.IDENTITY, name="Queer", slug="queer")
    ana = SupporterFactory(display_name="Ana Ruiz", intro="I listen first.", tags=[grief, spanish])
    bo = SupporterFactory(display_name="Bo Chen", intro="Calm and curious.", tags=[anxiety])
    cy = SupporterFactory(display_name="Cy Park", intro="Here for you.", tags=[])
    for sup, hour in ((ana, 18), (bo, 10), (cy, 11)):
        SlotFactory(supporter=sup, start=(MONDAY_9AM + dt.timedelta(days=2)).replace(hour=hour))
    return ana, bo, cy


@time_machine.travel(MONDAY_9AM, tick=True)
def test_visitor_takes_the_questionnaire_on_a_phone_signs_up_and_finds_suggested_for_you(page, mailoutbox):
    ana, bo, cy = make_supporters()
    page.goto("/")
    page.goto(reverse("matching:start"))
    both_widths(page)
    page.get_by_role("link", name="Start the questions").click()

    page.get_by_text("Question 1 of 6").wait_for()
    assert page.locator("progress").get_attribute("value") == "1"
    both_widths(page)
    page.get_by_role("group", name="What would you like support with?").get_by_label("Anxiety").check()
    page.get_by_role("button", name="Next").click()

    page.get_by_text("Question 2 of 6").wait_for()
    page.get_by_label("Grief").check()
    # Back keeps the first answer.
    page.get_by_role("link", name="Back", exact=True).click()
    page.get_by_text("Question 1 of 6").wait_for()
    assert page.get_by_label("Anxiety").is_checked()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Grief").check()
    page.get_by_role("button", name="Next").click()

    page.get_by_text("Question 3 of 6").wait_for()
    both_widths(page)
    page.get_by_label("I'd prefer not to say").check()
    page.get_by_role("button", name="Next").click()

    page.get_by_text("Question 4 of 6").wait_for()
    page.get_by_role("button", name="Skip this question").click()

    page.get_by_text("Question 5 of 6").wait_for()
    both_widths(page)
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        page.get_by_label(day).check()
    page.get_by_label("Evenings (from 5pm)").check()
    page.get_by_role("button", name="Next").click()

    page.get_by_text("Question 6 of 6").wait_for()
    both_widths(page)
    page.get_by_label("Anything else you'd like us to know?").fill("I get nervous on video.")
    page.get_by_role("button", name="See my suggestions").click()

    page.get_by_role("heading", name="Suggested for you", level=1).wait_for()
    items = page.locator(".suggestion-list > li")
    assert items.count() == 2
    first = items.nth(0).inner_text()
    assert "Ana Ruiz" in first and "Shares your experience of grief" in first
    assert "1 open time on weekday evenings" in first
    assert "Bo Chen" in items.nth(1).inner_text()
    assert "Supports people with anxiety" in items.nth(1).inner_text()
    assert "Cy Park" not in page.locator("main").inner_text()
    both_widths(page)

    page.get_by_role("link", name="Sign up to keep them").click()
    fill_signup(page, email="visitor@example.com", born="2001-04-27")
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[-1].body).group(0)
    page.goto("/" + link.split("://", 1)[1].split("/", 1)[1])
    page.get_by_role("button", name="Yes, confirm my address").click()
    page.wait_for_url(re.compile(r"/supporters/$"))
    section = page.get_by_role("region", name="Suggested for you")
    section.wait_for()
    assert "Ana Ruiz" in section.inner_text() and "Shares your experience of grief" in section.inner_text()
    both_widths(page)
    answers = MatchAnswers.objects.get()
    assert answers.seeker.user.email == "visitor@example.com"
    assert answers.anything_else == "I get nervous on video."
    assert page.console_errors == []


@time_machine.travel(MONDAY_9AM, tick=True)
def test_seeker_asks_our_team_staff_suggest_two_supporters_and_the_seeker_sees_them(
    browser, live_server, mailoutbox
):
    ana, bo, _cy = make_supporters()
    seeker = SeekerFactory(user__time_zone="America/Los_Angeles")
    page = signed_in_page(browser, live_server, seeker.user)
    page.goto(reverse("accounts:home"))
    page.get_by_role("link", name="Ask our team to suggest someone").click()
    page.get_by_role("heading", name="Ask our team to suggest someone").wait_for()
    both_widths(page)
    page.get_by_label("What should our team know?").fill("Someone who knows exam stress.")
    page.get_by_role("button", name="Send to our team").click()
    page.get_by_text("will answer by Monday 30 November, 5:00 PM Pacific Time (PST)").wait_for()
    both_widths(page)
    team_request = TeamRequest.objects.get()

    staff = StaffFactory(is_superuser=True, time_zone="America/Los_Angeles")
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")
    admin = signed_in_page(browser, live_server, staff)
    admin.goto(reverse("admin:matching_teamrequest_changelist"))
    row = admin.locator("#result_list tbody tr").first
    assert "left" in row.inner_text()
    both_widths(admin)
    row.get_by_role("link").first.click()
    admin.get_by_text("Someone who knows exam stress.").wait_for()
    both_widths(admin)
    admin.locator("select[name='suggestions-0-supporter']").select_option(label="Ana Ruiz")
    admin.locator("[name='suggestions-0-note']").fill("Ana speaks Spanish and has evening times.")
    admin.locator("select[name='suggestions-1-supporter']").select_option(label="Bo Chen")
    admin.locator("[name='suggestions-1-note']").fill("Bo knows anxiety well.")
    admin.get_by_role("button", name="Save", exact=True).click()
    admin.locator(".messagelist").wait_for()
    team_request.refresh_from_db()
    assert team_request.status == TeamRequest.Status.ANSWERED

    [email] = [m for m in mailoutbox if m.to == [seeker.user.email]]
    assert "exam stress" not in email.body.lower()
    page.goto(reverse("matching:team_request", args=[team_request.pk]))
    items = page.locator(".suggestion-list > li")
    assert items.count() == 2
    assert "Ana Ruiz" in items.nth(0).inner_text()
    assert "Ana speaks Spanish and has evening times." in items.nth(0).inner_text()
    assert "Bo knows anxiety well." in items.nth(1).inner_text()
    both_widths(page)


@time_machine.travel(MONDAY_9AM, tick=True)
def test_seeker_hides_a_supporter_and_no_longer_sees_them_anywhere(browser, live_server):
    ana, bo, cy = make_supporters()
    seeker = SeekerFactory(user__time_zone="America/Los_Angeles")
    from matching.services import answers_save

    answers_save(
        values={"experience": list(ana.tags.values_list("pk", flat=True)), "times": ["evening", "morning"]},
        user=seeker.user,
    )
    page = signed_in_page(browser, live_server, seeker.user)
    page.goto(reverse("supporters:profile", args=[ana.pk]))
    both_widths(page)
    page.get_by_role("button", name="I know this person").click()
    page.wait_for_url(re.compile(r"/supporters/$"))
    page.get_by_text("You won't see this supporter anywhere").wait_for()
    both_widths(page)

    def shown_names(url: str) -> str:
        page.goto(url)
        return page.locator("main").inner_text()

    for url in (
        reverse("supporters:directory"),
        reverse("supporters:next_available"),
        reverse("matching:suggestions"),
    ):
        text = shown_names(url)
        assert "Ana Ruiz" not in text, url
    assert "Bo Chen" in shown_names(reverse("supporters:directory"))
    response = page.goto(reverse("supporters:profile", args=[ana.pk]))
    assert response.status == 404

    page.goto(reverse("accounts:home"))
    page.get_by_role("link", name="Supporters you've hidden").click()
    assert "Ana Ruiz" in page.locator("main").inner_text()
    both_widths(page)
    page.get_by_role("button", name=re.compile("Show again")).click()
    page.get_by_text("Undone.").wait_for()
    assert "Ana Ruiz" in shown_names(reverse("supporters:directory"))
