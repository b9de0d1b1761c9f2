"""In Chromium: reading public pages signed out leaves no cookie from us (only the browser's own ``tz``),
and every signed-out form still works: sign-up, and the gift form up to the payment step. Once signed in,
an htmx POST carries the CSRF token that site.js reads from the cookie."""

import re

import pytest
from django.urls import reverse

from giftcards.models import Gift
from tests.browser.test_accounts_journey import fill_signup
from tests.factories import SlotFactory, SupporterFactory

pytestmark = pytest.mark.django_db(transaction=True)


def cookie_names(page) -> set[str]:
    return {cookie["name"] for cookie in page.context.cookies()}


def test_public_pages_set_no_cookie_and_signed_out_forms_still_post(page, mailoutbox):
    supporter = SupporterFactory(display_name="Robin")
    SlotFactory(supporter=supporter)

    for url in ("/", reverse("pages:pricing"), reverse("supporters:directory")):
        response = page.goto(url)
        assert response.status == 200
        assert "public" in response.headers["cache-control"]
    page.get_by_role("link", name="Robin").click()
    page.get_by_role("heading", name="Robin", level=1).wait_for()
    assert cookie_names(page) == {"tz"}  # written by site.js in the browser, never by the server

    # The gift form (no account needed): the page sets the CSRF cookie for its form, and it posts.
    page.goto(reverse("giftcards:buy"))
    assert "csrftoken" in cookie_names(page)
    page.get_by_label("Your name").fill("Sam Lee")
    page.get_by_label("Your email").fill("sam@example.com")
    page.get_by_label("Their name").fill("Jamie")
    page.get_by_label("Their email").fill("jamie@example.com")
    page.get_by_label("Number of sessions").select_option("2")
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_role("heading", name="Pay for your gift").wait_for()
    assert Gift.objects.get().recipient_email == "jamie@example.com"

    # Sign-up, then confirming the address signs the person in.
    fill_signup(page, email="alex@example.com", born="2001-04-27")
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mailoutbox[-1].body).group(0)
    page.goto("/" + link.split("://", 1)[1].split("/", 1)[1])
    page.get_by_role("button", name="Yes, confirm my address").click()
    page.wait_for_url(re.compile(r"/account/welcome/$"))

    # Signed in: pages are no-store, and an htmx POST with no form token passes CSRF with the header
    # site.js adds (an empty settings form comes back with its errors, not a 403).
    response = page.goto(reverse("accounts:home"))
    assert "no-store" in response.headers["cache-control"]
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.evaluate(
            "url => htmx.ajax('POST', url, {target: '#main', swap: 'none'})", reverse("accounts:home")
        )
    assert answer.value.status == 200
    assert answer.value.request.headers.get("x-csrftoken")
    assert page.console_errors == []
