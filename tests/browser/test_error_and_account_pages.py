"""In Chromium at 390 px: error pages with the crisis line, allauth's pages in our layout, sign-up while
the mail server is down, and a gift claimed through the header's sign-up link. axe on every page."""

import re

import pytest
from allauth.account.models import EmailAddress
from axe_playwright_python.sync_playwright import Axe
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from giftcards.models import Gift
from notifications.models import Notification
from tests.factories import PASSWORD, SeekerFactory
from tests.giftcards.helpers import new_gift, pay, token_in
from tests.notifications.helpers import sweep_when_due

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def production_errors(settings):
    """DEBUG off (Django's technical pages only appear in debug) and the test URLs that fail."""
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.site.urls_errors"


def assert_accessible(page) -> None:
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def assert_crisis_line(page, *, in_main: bool = False) -> None:
    crisis = page.get_by_role("complementary", name="Crisis help")
    assert crisis.is_visible()
    assert crisis.get_by_role("link", name="988").first.get_attribute("href") == "tel:988"
    if in_main:  # error pages say it again where the eye lands
        assert page.locator('main a[href="tel:988"]').is_visible()
    assert page.locator('a[href="tel:911"]').first.is_visible()
    assert page.get_by_role("link", name="peersnet home").is_visible()  # a way home


def sign_in(page, live_server, user) -> None:
    """A logged-in browser: the session a real log-in would make, handed to Chromium as its cookie."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_404_page_at_phone_width(page, production_errors):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    page.get_by_role("heading", name="We couldn't find that page").wait_for()
    assert_crisis_line(page, in_main=True)
    assert_accessible(page)
    page.get_by_role("link", name="Go to the home page").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.console_errors == [] or all("404" in e for e in page.console_errors)


def test_403_page_at_phone_width(page, live_server, production_errors):
    sign_in(page, live_server, SeekerFactory().user)
    response = page.goto("/admin/login/")
    assert response.status == 403
    page.get_by_role("heading", name="This page isn't open to you").wait_for()
    assert_crisis_line(page, in_main=True)
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="My account").is_visible()
    assert_accessible(page)


def test_stale_form_page_at_phone_width(page, production_errors):
    SeekerFactory(user__email="maya@example.com")
    page.goto(reverse("account_login"))
    page.get_by_label("Email address").fill("maya@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.context.clear_cookies()  # the form sat open while the session and its token went away
    page.get_by_role("button", name="Log in", exact=True).click()
    page.get_by_role("heading", name="This page was open too long").wait_for()
    assert page.get_by_text("Nothing was sent or saved.").is_visible()
    assert_crisis_line(page, in_main=True)
    assert_accessible(page)


def test_500_page_at_phone_width(page, production_errors):
    response = page.goto("/test/boom/")
    assert response.status == 500
    page.get_by_role("heading", name="Something went wrong on our side").wait_for()
    assert_crisis_line(page, in_main=True)
    assert_accessible(page)
    assert page.console_errors == [] or all("500" in e for e in page.console_errors)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database that can be taken away")
def test_500_page_when_the_database_goes_down(page, production_errors):
    response = page.goto("/test/database-down/")
    assert response.status == 500
    page.get_by_role("heading", name="Something went wrong on our side").wait_for()
    assert_crisis_line(page, in_main=True)
    assert_accessible(page)
    assert page.goto(reverse("supporters:directory")).status == 200  # back once that request is over


MAIN_ACCOUNT_PAGES = [
    ("account_login", "Log in"),
    ("account_signup", "Create your account"),
    ("account_reset_password", "Reset your password"),
    ("account_reset_password_done", "Check your email"),
    ("account_email_verification_sent", "Confirm your email address"),
]
SIGNED_IN_PAGES = [
    ("account_email", "Your email address"),
    ("account_change_password", "Change your password"),
    ("account_logout", "Log out"),
    ("account_reauthenticate", "Confirm it's you"),
    ("mfa_index", "Two-factor authentication"),
]


def test_account_pages_are_ours_and_accessible_at_phone_width(page, live_server):
    for name, heading in MAIN_ACCOUNT_PAGES:
        page.goto(reverse(name))
        page.get_by_role("heading", name=heading, exact=True).wait_for()
        assert_crisis_line(page)
        assert_accessible(page)
    sign_in(page, live_server, SeekerFactory(user__email="maya@example.com").user)
    for name, heading in SIGNED_IN_PAGES:
        page.goto(reverse(name))
        page.get_by_role("heading", name=heading, exact=True).wait_for()
        assert_crisis_line(page)
        assert_accessible(page)
    # Setting up two-factor: the QR code page, after confirming it's you.
    page.goto(reverse("mfa_activate_totp"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Set up an authenticator app").wait_for()
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    assert_accessible(page)
    assert page.console_errors == []


def test_signing_up_while_the_mail_server_is_down(page, smtp_server):
    """The mail server is really stopped: sign-up still works, and the email arrives once it's back."""
    smtp_server.stop()
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    page.get_by_label("First name").fill("Alex")
    page.get_by_label("Email").fill("alex@example.com")
    page.get_by_label("Password", exact=True).fill("calm-river-stones-42")
    page.get_by_label("Password (again)").fill("calm-river-stones-42")
    page.get_by_label("Date of birth").fill("2001-04-27")
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Confirm your email address").wait_for()  # not an error page
    assert_accessible(page)
    assert Notification.objects.get(to="alex@example.com").status == Notification.Status.PENDING

    smtp_server.start()
    assert sweep_when_due() == 1  # what beat's sweep does every minute
    [(_to, raw)] = smtp_server.inbox.messages
    raw = raw.replace("=\n", "").replace("=3D", "=")
    link = re.search(r"https?://[^\s\"<>]+/accounts/confirm-email/[^\s\"<>]+/", raw).group(0)
    page.goto(path_of(link))
    page.get_by_text("Is alex@example.com your email address?").wait_for()
    page.get_by_role("button", name="Yes, confirm my address").click()
    page.wait_for_url(re.compile(r"/account/welcome/$"))  # a new seeker's next step
    assert EmailAddress.objects.get(email="alex@example.com").verified
    assert page.console_errors == []


def test_a_gift_claimed_through_the_headers_sign_up(page, mailoutbox):
    """The recipient opens the gift link, then uses the header's "Sign up" (not the page's button)."""
    gift = new_gift()
    pay(gift)
    token = token_in(mailoutbox, "jamie@example.com")

    page.goto(reverse("giftcards:claim_link", args=[token]))
    page.get_by_role("heading", name="A gift from Sam Lee").wait_for()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()
    page.get_by_role("heading", name="Create your account").wait_for()
    assert page.get_by_label("Email").input_value() == "jamie@example.com"  # the address the gift went to
    page.get_by_label("First name").fill("Jamie")
    page.get_by_label("Password", exact=True).fill("calm-river-stones-42")
    page.get_by_label("Password (again)").fill("calm-river-stones-42")
    page.get_by_label("Date of birth").fill("2002-03-14")
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Confirm your email address").wait_for()

    confirm = next(m for m in mailoutbox if m.to == ["jamie@example.com"] and "confirm-email" in m.body)
    page.goto(path_of(re.search(r"https?://\S+/accounts/confirm-email/\S+/", confirm.body).group(0)))
    page.get_by_role("button", name="Yes, confirm my address").click()
    page.wait_for_url(re.compile(r"/gift/claim/$"))  # back to the gift, signed in
    page.get_by_role("button", name="Add the sessions to my account").click()
    page.get_by_role("heading", name="Your gift sessions").wait_for()
    assert page.get_by_text("3 left to book").is_visible()
    assert_accessible(page)
    gift.refresh_from_db()
    assert gift.status == Gift.Status.CLAIMED
    assert gift.claimed_by.user == User.objects.get(email="jamie@example.com")
    assert page.console_errors == []
