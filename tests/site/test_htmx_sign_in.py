"""A request made in place (htmx) that needs a signed-in person, after the session ended while the page
was open (signed out in another tab, or expired): never the sign-in page swapped into a fragment
(peersnet/kernel/htmx.py, HtmxSignInMiddleware). The browser side is in
tests/browser/test_request_problems_journey.py."""

from urllib.parse import quote

import pytest
from django.http import HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxMiddleware

from messaging.models import Message
from peersnet.kernel.htmx import HtmxSignInMiddleware
from tests.factories import a_conversation

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("account_login")


def htmx_headers(current_url: str = "") -> dict:
    headers = {"HX-Request": "true"}
    if current_url:
        headers["HX-Current-URL"] = current_url
    return headers


def test_a_poll_after_logging_out_sends_the_whole_window_to_log_in_and_back_to_the_thread(client):
    conversation = a_conversation()
    thread = reverse("messaging:thread", args=[conversation.pk])
    poll = reverse("messaging:new", args=[conversation.pk]) + "?after=0"

    response = client.get(poll, headers=htmx_headers(f"http://testserver{thread}"))

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{SIGN_IN}?next={quote(thread, safe='/')}"
    assert response.content == b""  # nothing to swap in


def test_a_poll_from_a_page_that_isnt_ours_goes_to_log_in_with_no_way_back(client):
    conversation = a_conversation()
    poll = reverse("messaging:new", args=[conversation.pk])

    response = client.get(poll, headers=htmx_headers("https://elsewhere.example/messages/"))

    assert response["HX-Redirect"] == SIGN_IN


def test_a_message_sent_after_logging_out_is_refused_with_401_and_not_stored(client):
    conversation = a_conversation()
    thread = reverse("messaging:thread", args=[conversation.pk])

    response = client.post(
        thread, {"body": "Are you free on Thursday?"}, headers=htmx_headers(f"http://testserver{thread}")
    )

    assert response.status_code == 401
    assert "HX-Redirect" not in response
    assert response["Cache-Control"] == "no-store"
    assert not Message.objects.filter(conversation=conversation).exists()


def test_without_htmx_logging_in_is_the_plain_redirect_it_always_was(client):
    conversation = a_conversation()
    thread = reverse("messaging:thread", args=[conversation.pk])

    response = client.get(thread)

    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next={quote(thread, safe='/')}"


@pytest.mark.parametrize("location", ["/supporters/?page=2", "https://elsewhere.example/accounts/login/"])
def test_other_redirects_to_htmx_are_left_alone(rf, location):
    """Only "please sign in" is changed: any other redirect an htmx request gets keeps its status and
    Location."""
    chain = HtmxMiddleware(HtmxSignInMiddleware(lambda request: HttpResponseRedirect(location)))

    response = chain(rf.get("/supporters/", headers=htmx_headers("http://testserver/supporters/")))

    assert response.status_code == 302
    assert response["Location"] == location
    assert "HX-Redirect" not in response


def test_a_client_redirect_to_log_in_is_already_right_and_left_alone(rf):
    chain = HtmxMiddleware(HtmxSignInMiddleware(lambda request: HttpResponseClientRedirect(SIGN_IN)))

    response = chain(rf.post("/account/", headers=htmx_headers("http://testserver/account/")))

    assert response.status_code == 200
    assert response["HX-Redirect"] == SIGN_IN


def test_a_signed_in_poll_is_answered_as_before(client):
    conversation = a_conversation()
    client.force_login(conversation.seeker.user)
    poll = reverse("messaging:new", args=[conversation.pk]) + "?after=0"

    response = client.get(poll, headers=htmx_headers())

    assert response.status_code == 200 and "HX-Redirect" not in response
    assert b"message-poller" in response.content
