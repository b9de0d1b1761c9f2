"""A person signing up in a real browser: Playwright driving Debian's Chromium against a live server."""

import re

import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def fill_signup(page, *, email: str, born: str) -> None:
    page.goto(reverse("account_signup"))
    page.get_by_label("First name").fill("Alex")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill("calm-river-stones-42")
    page.get_by_label("Password (again)").fill("calm-river-stones-42")
    page.get_by_label("Date of birth").fill(born)
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Create account").click()


def test_seeker_signs_up_verifies_email_and_logs_in(page, mailoutbox):
    page.goto("/")
    crisis = page.get_by_role("complementary", name="Crisis help")
    assert crisis.is_visible()
    assert crisis.get_by_role("link", name="988").first.get_attribute("href") == "tel:988"

    page.goto(reverse("account_signup"))
    # The browser's zone (America/Chicago in this context) is pre-filled.
    assert page.get_by_label("Time zone").input_value() == "America/Chicago"
    fill_signup(page, email="alex@example.com", born="2001-04-27")
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    page.get_by_role("heading", name="Confirm your email address").wait_for()

    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[0].body).group(0)
    page.goto("/" + link.split("://", 1)[1].split("/", 1)[1])
    page.get_by_role("button", name="Yes, confirm my address").click()
    # A welcome with the next step, not the settings form.
    page.wait_for_url(re.compile(r"/account/welcome/$"))
    page.get_by_role("heading", name="Welcome to peersnet", level=1).wait_for()
    assert page.get_by_role("main").get_by_role("link", name="Find a supporter").is_visible()
    assert User.objects.get(email="alex@example.com").time_zone == "America/Chicago"
    page.goto(reverse("accounts:home"))

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    page.get_by_label("Email address").fill("alex@example.com")
    page.get_by_label("Password").fill("calm-river-stones-42")
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(re.compile(r"/account/$"))
    assert page.get_by_role("heading", name="My account").is_visible()
    assert page.get_by_role("complementary", name="Crisis help").is_visible()
    assert page.console_errors == []


def test_under_18_is_refused_kindly_and_no_account_is_made(page, mailoutbox):
    fill_signup(page, email="young@example.com", born="2012-01-01")
    status = page.locator("#age-refused")
    status.wait_for()
    assert "aged 18 to 30" in status.inner_text()
    assert page.get_by_label("Date of birth").get_attribute("aria-invalid") == "true"
    assert not User.objects.filter(email="young@example.com").exists()
    assert mailoutbox == []


def test_keyboard_user_reaches_main_content_with_the_skip_link(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
