"""Messaging as people use it, in Chromium against a live server (issue 14's "Done when")."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse
from playwright.sync_api import expect

from bookings.events import BookingConfirmed
from bookings.models import Booking
from messaging import services
from messaging.models import Conversation, Message
from peersnet.kernel import events
from tests.browser.test_booking_journey import assert_accessible, signed_in_page
from tests.factories import BookingFactory, SeekerFactory, SupporterFactory

pytestmark = pytest.mark.django_db(transaction=True)

LA = ZoneInfo("America/Los_Angeles")
MONDAY_10AM = dt.datetime(2026, 11, 30, 10, 0, tzinfo=LA)


@time_machine.travel(MONDAY_10AM, tick=True)
def test_seeker_writes_supporter_answers_seeker_sees_it_live_and_the_unread_email_comes(
    browser, live_server, mailoutbox, settings
):
    settings.MESSAGING_POLL_SECONDS = (
        60  # the page first polls slowly: one's own message shows at once anyway
    )
    supporter = SupporterFactory(display_name="Jess Rivera")
    TOTP.activate(supporter.user, "JBSWY3DPEHPK3PXP")
    seeker = SeekerFactory(user__first_name="Alex", user__time_zone="America/Chicago")
    booking = BookingFactory(seeker=seeker, slot__supporter=supporter, status=Booking.Status.CONFIRMED)
    events.announce(BookingConfirmed(booking_id=booking.pk))  # what bookings announces when it is paid
    conversation = Conversation.objects.get(seeker=seeker, supporter=supporter)

    # The seeker opens the conversation from the session page and writes.
    seeker_page = signed_in_page(browser, live_server, seeker.user)
    seeker_page.goto(reverse("bookings:detail", args=[booking.pk]))
    seeker_page.get_by_role("link", name="Message Jess Rivera").click()
    seeker_page.get_by_role("heading", name="Messages with Jess Rivera").wait_for()
    assert "call or text 988" in seeker_page.locator("#messages-crisis-note").inner_text()
    assert "Up to 4,000 characters" in seeker_page.content()
    assert_accessible(seeker_page)
    seeker_page.evaluate("window.__stayed = true")  # gone if the page reloads
    # The pollers drawn from now on ask every second (the page polls every 20 s; the test needn't wait).
    settings.MESSAGING_POLL_SECONDS = 1
    seeker_page.get_by_label("Your message").fill("Hi Jess, could we talk about sleep on Thursday?")
    seeker_page.get_by_role("button", name="Send").click()
    # Long before the page's 60-second poll: the send itself asks the thread to fetch.
    seeker_page.locator("#message-list").get_by_text("could we talk about sleep").wait_for(timeout=5000)
    assert seeker_page.get_by_label("Your message").input_value() == ""
    assert seeker_page.locator("#message-list").get_by_text("Delivered").is_visible()
    assert seeker_page.evaluate("window.__stayed") is True

    # The supporter sees it on the dashboard with the reply-by time, and answers.
    supporter_page = signed_in_page(browser, live_server, supporter.user, tz="America/Los_Angeles")
    supporter_page.goto(reverse("bookings:supporter_dashboard"))
    waiting = supporter_page.locator("#waiting-replies")
    assert re.search(r"Alex:\s+reply by Wednesday 2 December, 10:\d\d AM Pacific Time", waiting.inner_text())
    expect(supporter_page.locator("#unread-badge")).to_have_text("1 unread")  # fetched after the page
    assert_accessible(supporter_page)
    waiting.get_by_role("link", name="Alex").click()
    supporter_page.get_by_role("heading", name="Messages with Alex").wait_for()
    assert "Please reply by" in supporter_page.locator("#reply-by-note").inner_text()
    supporter_page.wait_for_load_state("networkidle")
    expect(supporter_page.locator("#unread-badge")).to_have_count(0)  # opening the thread read it
    assert_accessible(supporter_page)
    supporter_page.get_by_label("Your message").fill("Of course, Alex. See you Thursday.")
    supporter_page.get_by_role("button", name="Send").click()
    supporter_page.locator("#message-list").get_by_text("See you Thursday").wait_for()

    # The seeker sees the answer appear without reloading.
    seeker_page.locator("#message-list").get_by_text("Of course, Alex. See you Thursday.").wait_for()
    assert seeker_page.evaluate("window.__stayed") is True
    assert Conversation.objects.get(pk=conversation.pk).awaiting_since is None

    # While the tab is hidden, the thread stops asking for new messages.
    polls: list[str] = []
    seeker_page.on("request", lambda request: polls.append(request.url) if "/new/" in request.url else None)
    seeker_page.evaluate(
        "Object.defineProperty(document, 'hidden', {value: true, configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    seeker_page.wait_for_timeout(2500)
    assert polls == []
    seeker_page.context.close()

    # At desktop width the thread is accessible too.
    desktop = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    from django.test import Client

    client = Client()
    client.force_login(seeker.user)
    desktop.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    desk = desktop.new_page()
    desk.goto(reverse("messaging:thread", args=[conversation.pk]))
    desk.get_by_role("heading", name="Messages with Jess Rivera").wait_for()
    assert_accessible(desk)
    desk.goto(reverse("messaging:list"))
    assert_accessible(desk)
    desktop.close()

    # The supporter writes again; the seeker isn't looking. Ten minutes later, one email, no text.
    sent_at = dt.datetime.now(tz=dt.UTC)
    supporter_page.get_by_label("Your message").fill("Also: bring any questions you like.")
    supporter_page.get_by_role("button", name="Send").click()
    supporter_page.locator("#message-list").get_by_text("bring any questions").wait_for()
    supporter_page.context.close()
    with time_machine.travel(sent_at + dt.timedelta(minutes=9), tick=False):
        services.messaging_sweep()
    assert not [m for m in mailoutbox if m.to == [seeker.user.email]]
    with time_machine.travel(sent_at + dt.timedelta(minutes=10, seconds=5), tick=False):
        services.messaging_sweep()
        services.messaging_sweep()
    [email] = [m for m in mailoutbox if m.to == [seeker.user.email]]
    assert email.subject == "You have a new message on peersnet"
    assert "You have a new message from Jess Rivera on peersnet." in email.body
    for text in Message.objects.values_list("body", flat=True):
        assert text not in email.body
        assert text not in email.alternatives[0][0]
    assert "988" in email.body
