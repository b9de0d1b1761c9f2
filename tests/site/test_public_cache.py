"""Public pages set no cookie for signed-out visitors and may be kept by a shared cache; signed-in pages,
pages with a form and anything that sets a cookie may not (peersnet/kernel/http_cache.py)."""

import re

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from peersnet.views import PAGES
from tests.factories import SeekerFactory, SlotFactory, SupporterFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def supporter():
    supporter = SupporterFactory(display_name="Robin", tags=[TagFactory(name="Anxiety", slug="anxiety")])
    SlotFactory(supporter=supporter)
    return supporter


def public_urls(supporter) -> list[tuple[str, dict]]:
    """Every page anyone may read signed out, with the htmx fragments those pages swap in."""
    profile = reverse("supporters:profile", args=[supporter.pk])
    directory = reverse("supporters:directory")
    return [
        (reverse("home"), {}),
        *[(reverse(f"pages:{name}"), {}) for name in PAGES],
        (directory, {}),
        (directory + "?topic=anxiety&when=evenings&page=2", {}),
        (directory + "?q=robin", {"HTTP_HX_REQUEST": "true"}),
        (reverse("supporters:next_available"), {}),
        (reverse("supporters:next_available") + "?topic=anxiety", {}),
        (profile, {}),
        (profile + "?week=1", {"HTTP_HX_REQUEST": "true"}),
    ]


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def test_signed_out_public_pages_set_no_cookie_and_are_shared_cacheable(client, supporter):
    for url, headers in public_urls(supporter):
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        assert not response.cookies, (url, response.cookies.output())
        assert "Set-Cookie" not in response, url
        assert cache_control(response) == {"public", f"max-age={settings.PUBLIC_CACHE_MAX_AGE}"}, url
        assert "cookie" in vary(response), url
        assert response["ETag"], url
        assert 'name="csrfmiddlewaretoken"' not in response.content.decode(), url
        assert "X-CSRFToken" not in response.content.decode(), url
        assert "{#" not in response.content.decode(), url  # no template comment leaks into the page
    assert not client.cookies  # the test client kept nothing either


def test_fragments_vary_on_hx_request(client, supporter):
    for url in (reverse("supporters:directory"), reverse("supporters:profile", args=[supporter.pk])):
        assert "hx-request" in vary(client.get(url))


def test_a_public_page_answers_304_to_its_own_etag(client, supporter):
    url = reverse("supporters:directory")
    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert "public" in cache_control(again)
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_the_etag_changes_with_the_browser_zone(client, supporter):
    url = reverse("supporters:directory")
    la = client.get(url)["ETag"]
    client.cookies["tz"] = "Asia%2FTokyo"
    tokyo = client.get(url)
    assert tokyo["ETag"] != la
    assert "public" in cache_control(tokyo)  # a tz cookie sent is fine: Vary: Cookie keeps them apart


def test_signed_in_pages_are_never_shared_cached(client, supporter):
    client.force_login(SeekerFactory().user)
    for url, headers in public_urls(supporter):
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        directives = cache_control(response)
        assert "public" not in directives, url
        assert {"no-store", "private"} <= directives or "no-store" in directives, (url, directives)
        assert "max-age=0" in directives, url


def test_a_signed_out_visitor_with_a_session_gets_private_pages(client, supporter):
    client.cookies[settings.SESSION_COOKIE_NAME] = "some-anonymous-session"
    response = client.get(reverse("supporters:directory"))
    assert cache_control(response) == {"private", "no-cache"}


def test_a_public_page_that_shows_a_message_is_private(client, supporter):
    """A message waiting for the visitor (in Django's messages cookie) is theirs: the page that shows it
    clears the cookie, so it is not kept by a shared cache."""
    storage = CookieStorage(HttpRequest())
    waiting = [Message(constants.SUCCESS, "Your gift is on its way.")]
    client.cookies[storage.cookie_name] = storage._encode(waiting)
    response = client.get(reverse("home"))
    assert "Your gift is on its way." in response.content.decode()
    assert response.cookies  # the message cookie is cleared
    assert "public" not in cache_control(response)


FORM_PAGES = ["account_login", "account_signup", "account_reset_password", "giftcards:buy"]


@pytest.mark.parametrize("name", FORM_PAGES)
def test_pages_with_a_signed_out_form_set_the_csrf_cookie_and_are_not_shared(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert settings.CSRF_COOKIE_NAME in response.cookies
    assert "public" not in cache_control(response)
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def token_of(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


def test_signed_out_forms_still_post_with_csrf_checks_on(client):
    """With CSRF enforced, as in production: each form page sets the cookie, its token passes."""
    browser = Client(enforce_csrf_checks=True)
    # Public pages first: nothing set, so the form pages below must set the cookie themselves.
    assert not browser.get(reverse("home")).cookies
    assert not browser.get(reverse("supporters:directory")).cookies

    signup = browser.get(reverse("account_signup"))
    response = browser.post(
        reverse("account_signup"),
        {
            "csrfmiddlewaretoken": token_of(signup),
            "email": "alex@example.com",
            "password1": "a long and unusual passphrase 42",
            "password2": "a long and unusual passphrase 42",
            "first_name": "Alex",
            "date_of_birth": "2001-04-27",
            "time_zone": "America/Chicago",
            "agree_terms": "on",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="alex@example.com").exists()

    buyer = Client(enforce_csrf_checks=True)
    buy = buyer.get(reverse("giftcards:buy"))
    response = buyer.post(
        reverse("giftcards:buy"),
        {
            "csrfmiddlewaretoken": token_of(buy),
            "buyer_name": "Sam Lee",
            "buyer_email": "sam@example.com",
            "recipient_name": "Jamie",
            "recipient_email": "jamie@example.com",
            "sessions": "3",
            "message": "",
        },
    )
    assert response.status_code == 302
    assert "/gift/" in response["Location"] and response["Location"].endswith("/pay/")

    login = Client(enforce_csrf_checks=True)
    SeekerFactory(user__email="maya@example.com")
    page = login.get(reverse("account_login"))
    response = login.post(
        reverse("account_login"),
        {"csrfmiddlewaretoken": token_of(page), "login": "maya@example.com", "password": "wrong"},
    )
    assert response.status_code == 200  # the form again with its error, not a 403
    assert "_auth_user_id" not in login.session


def test_an_htmx_post_with_only_the_header_passes_csrf(client):
    """What site.js does for htmx: the token from the csrftoken cookie in X-CSRFToken."""
    seeker = SeekerFactory(user__email="maya@example.com")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(seeker.user)
    assert settings.CSRF_COOKIE_NAME in browser.get(reverse("home")).cookies  # signed in: always set
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    without = browser.post(reverse("account_logout"), HTTP_HX_REQUEST="true")
    assert without.status_code == 403
    with_header = browser.post(reverse("account_logout"), HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)
    assert with_header.status_code != 403


def test_the_script_reads_the_cookie_django_sets():
    """site.js looks for a cookie called csrftoken: keep the setting at Django's default."""
    assert settings.CSRF_COOKIE_NAME == "csrftoken"
    assert not settings.CSRF_COOKIE_HTTPONLY and not settings.CSRF_USE_SESSIONS
