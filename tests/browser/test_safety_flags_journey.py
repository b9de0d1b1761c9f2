"""Crisis language as people meet it, in Chromium against a live server (issue 15's first journey): the
seeker sees the crisis resources in the same response as their message; the supporter sees that a flag
is open (not the words); a supervisor finds the flag in the queue, acknowledges it and closes it."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.urls import reverse

from bookings.events import BookingConfirmed
from bookings.models import Booking
from messaging.models import Conversation, Message
from peersnet.kernel import events
from privacy.models import AccessLog
from safety.models import CrisisFlag
from tests.browser.test_booking_journey import assert_accessible, signed_in_page
from tests.factories import BookingFactory, SeekerFactory, StaffFactory, SupporterFactory

pytestmark = pytest.mark.django_db(transaction=True)

LA = ZoneInfo("America/Los_Angeles")
MONDAY_10AM = dt.datetime(2026, 11, 30, 10, 0, tzinfo=LA)
WORDS = "Honestly some nights I don't want to be alive anymore."


@time_machine.travel(MONDAY_10AM, tick=True)
def test_crisis_words_show_help_at_once_and_a_supervisor_acknowledges_and_closes_the_flag(
    browser, live_server
):
    supporter = SupporterFactory(display_name="Jess Rivera")
    TOTP.activate(supporter.user, "JBSWY3DPEHPK3PXP")
    seeker = SeekerFactory(user__first_name="Alex")
    booking = BookingFactory(seeker=seeker, slot__supporter=supporter, status=Booking.Status.CONFIRMED)
    events.announce(BookingConfirmed(booking_id=booking.pk))
    conversation = Conversation.objects.get(seeker=seeker, supporter=supporter)
    supervisor = StaffFactory(first_name="Rae Kim", time_zone="America/Los_Angeles")
    supervisor.groups.add(Group.objects.get(name="supervisor"))
    TOTP.activate(supervisor, "JBSWY3DPEHPK3PXP")

    # The seeker writes; the message is sent and the crisis resources show in the same response.
    seeker_page = signed_in_page(browser, live_server, seeker.user)
    seeker_page.goto(reverse("messaging:thread", args=[conversation.pk]))
    seeker_page.evaluate("window.__stayed = true")  # gone if the page reloads
    seeker_page.get_by_label("Your message").fill(WORDS)
    seeker_page.get_by_role("button", name="Send").click()
    resources = seeker_page.get_by_role("alert").filter(has_text="You don't have to go through this alone")
    resources.wait_for(timeout=5000)
    assert seeker_page.evaluate("window.__stayed") is True  # no reload: the same htmx response
    text = resources.inner_text()
    assert "Your message was sent." in text and "988" in text and "911" in text
    assert resources.get_by_role("link", name="988").first.get_attribute("href") == "tel:988"
    assert resources.get_by_role("link", name="More crisis resources").get_attribute("href") == reverse(
        "pages:crisis"
    )
    seeker_page.locator("#message-list").get_by_text("want to be alive").wait_for()
    assert Message.objects.get().body == WORDS
    assert_accessible(seeker_page)
    seeker_page.context.close()
    flag = CrisisFlag.objects.get(conversation=conversation)

    # The supporter sees that a supervisor is looking, not the words that matched.
    supporter_page = signed_in_page(browser, live_server, supporter.user, tz="America/Los_Angeles")
    supporter_page.goto(reverse("messaging:thread", args=[conversation.pk]))
    note = supporter_page.locator("#safety-flag-note")
    assert "A supervisor is looking at this conversation" in note.inner_text()
    assert "suicide" not in supporter_page.content()
    assert_accessible(supporter_page)

    # The supervisor finds it in the queue, with its clock in words.
    page = signed_in_page(browser, live_server, supervisor, tz="America/Los_Angeles")
    page.goto(reverse("safety:queue"))
    page.get_by_role("heading", name="Supervisor queue").wait_for()
    assert page.locator("#nav-queue").inner_text().startswith("Queue 1")
    item = page.locator(".queue-item[data-kind='crisis_flag']")
    assert (
        re.search(r"(4 h|3 h 5\d min) left", item.inner_text())
        and "nobody has taken it yet" in item.inner_text()
    )
    assert page.locator("#queue-sections").get_attribute("hx-trigger") == "every 30s"
    assert_accessible(page)
    item.get_by_role("link", name="Acknowledge").click()
    page.get_by_role("heading", name=f"Crisis flag {flag.pk}").wait_for()
    assert "want to be alive" in page.locator("#flag-phrases").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Acknowledge").click()
    page.get_by_text("You have acknowledged this flag").wait_for()
    assert "Acknowledged by Rae Kim" in page.locator("#flag-status").inner_text()

    # Closing with "No action" needs a reason: a clear message, nothing changed.
    page.get_by_label("No action needed").check()
    page.get_by_role("button", name="Close the flag").click()
    page.get_by_text("Please say why no action is needed.").wait_for()
    flag.refresh_from_db()
    assert flag.closed_at is None
    assert_accessible(page)
    page.get_by_label("Reached out to the seeker").check()
    page.get_by_label("Note").fill("Called Alex; safe with family tonight, has 988.")
    page.get_by_role("button", name="Close the flag").click()
    page.get_by_text(f"Crisis flag {flag.pk} is closed.").wait_for()
    assert "Nothing waiting." in page.locator("#queue-sections").inner_text()
    flag.refresh_from_db()
    assert (flag.outcome, flag.closed_by_id) == ("reached_out", supervisor.pk)
    assert AccessLog.objects.filter(actor=supervisor, record=f"Crisis flag {flag.pk}").count() >= 3

    # The supporter's note is gone once the flag is closed.
    supporter_page.reload()
    supporter_page.get_by_role("heading", name="Messages with Alex").wait_for()
    assert supporter_page.locator("#safety-flag-note").count() == 0
