"""Paying for sessions, in Chromium against a live server and localstripe (its fake Stripe.js)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse

from bookings.models import Booking
from bookings.services import bookings_complete_due
from notifications.models import Notification
from payments.models import Payment, Refund
from supporters.models import Slot
from supporters.services import rule_create
from tests.factories import SeekerFactory, SupporterFactory
from tests.payments.helpers import DECLINES_ON_CHARGE, GOOD, of_booking, sdk

pytestmark = pytest.mark.django_db(transaction=True)

LA = ZoneInfo("America/Los_Angeles")
MONDAY_8AM = dt.datetime(2026, 11, 30, 8, 0, tzinfo=LA)


def signed_in(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, timezone_id="America/Los_Angeles")
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    return page


def fill_card(page, number: str) -> None:
    """localstripe's fake Stripe.js renders plain inputs inside #card (no iframe)."""
    page.locator('#card input[placeholder="number"]').wait_for()
    page.locator('#card input[placeholder="number"]').fill(number)
    page.locator('#card input[placeholder="exp_month"]').fill("12")
    page.locator('#card input[placeholder="exp_year"]').fill("31")
    page.locator('#card input[placeholder="cvc"]').fill("123")
    postal = page.locator('#card input[placeholder="postal_code"]')
    if postal.count():
        postal.fill("94110")


def accept(supporter_page, booking: Booking) -> None:
    supporter_page.goto(reverse("bookings:detail", args=[booking.pk]))
    supporter_page.get_by_role("button", name="Accept").click()
    supporter_page.get_by_text(re.compile("Accepted")).first.wait_for()


@time_machine.travel(MONDAY_8AM, tick=True)
def test_card_request_accept_decline_pay_now_cancel_refund_and_guarantee(browser, live_server, mailoutbox):
    supporter = SupporterFactory(display_name="Jess Rivera")
    TOTP.activate(supporter.user, "JBSWY3DPEHPK3PXP")
    for weekday in (0, 3):
        rule_create(supporter=supporter, weekday=weekday, start_time=dt.time(9), end_time=dt.time(21))
    thursday = Slot.objects.get(supporter=supporter, start=dt.datetime(2026, 12, 3, 10, tzinfo=LA))
    next_monday = Slot.objects.get(supporter=supporter, start=dt.datetime(2026, 12, 7, 10, tzinfo=LA))
    seeker = SeekerFactory(user__first_name="Alex")
    seeker_page = signed_in(browser, live_server, seeker.user)
    supporter_page = signed_in(browser, live_server, supporter.user)

    # 1. The first request asks for a card; a card that declines on charge saves fine.
    seeker_page.goto(reverse("bookings:request", args=[thursday.pk]))
    seeker_page.get_by_role("link", name="Continue: add a card").click()  # after the booking summary
    seeker_page.wait_for_url(re.compile(r"/account/card/"))
    fill_card(seeker_page, DECLINES_ON_CHARGE)
    seeker_page.get_by_role("button", name="Save card").click()
    seeker_page.get_by_role("heading", name="Book a session").wait_for()
    assert seeker_page.get_by_text("Card saved: Visa ending 0341").is_visible()
    seeker_page.get_by_label("I don't know this supporter outside peersnet").check()
    seeker_page.get_by_role("button", name="Request this time").click()
    seeker_page.get_by_role("heading", name="Request sent", level=1).wait_for()
    booking = Booking.objects.get(slot=thursday)

    # 2. The supporter accepts; the charge is declined: the seeker sees the pay-now banner.
    accept(supporter_page, booking)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PAYMENT_PENDING
    assert any(m.subject == "Please complete your payment" for m in mailoutbox)
    seeker_page.goto(reverse("bookings:portal"))
    banner = seeker_page.get_by_role("status").filter(has_text="Payment needed")
    assert banner.is_visible()

    # 3. Paying with another card confirms the session.
    banner.get_by_role("link", name="Pay now").click()
    seeker_page.get_by_role("link", name="Use a different card").click()
    fill_card(seeker_page, GOOD)
    seeker_page.get_by_role("button", name="Save card").click()
    seeker_page.get_by_role("button", name=re.compile(r"Pay \$65 with Visa ending 4242")).click()
    seeker_page.get_by_text("Paid. Your session is confirmed.").wait_for()
    booking.refresh_from_db()
    assert (booking.status, booking.amount_paid_cents) == (Booking.Status.CONFIRMED, 6500)
    paid = Payment.objects.get(**of_booking(booking), status=Payment.Status.SUCCEEDED)
    assert sdk().v1.payment_intents.retrieve(paid.stripe_payment_intent_id).amount == 6500
    seeker_page.goto(reverse("bookings:portal"))
    seeker_page.locator(".money-list li", has_text="Paid $65 · Visa ending 4242").wait_for()

    # 4. Cancelling three days ahead refunds the fee.
    seeker_page.goto(reverse("bookings:cancel", args=[booking.pk]))
    seeker_page.get_by_role("button", name="Cancel the session").click()
    seeker_page.get_by_text("refunding the full $65 to your card").wait_for()
    refund = Refund.objects.get(payment=paid)
    assert (refund.amount_cents, refund.status) == (6500, Refund.Status.SUCCEEDED)
    seeker_page.goto(reverse("bookings:portal"))
    seeker_page.locator(".money-list li", has_text=re.compile(r"Refund \$65 · refunded")).wait_for()

    # 5. A session that happened and wasn't right: one click gets the money back.
    seeker_page.goto(reverse("bookings:request", args=[next_monday.pk]))
    seeker_page.get_by_role("button", name="Request this time").click()
    second = Booking.objects.get(slot=next_monday)
    accept(supporter_page, second)
    second.refresh_from_db()
    assert second.status == Booking.Status.CONFIRMED
    with time_machine.travel(second.end + dt.timedelta(hours=2), tick=True):
        bookings_complete_due()
        seeker_page.goto(reverse("bookings:portal"))
        seeker_page.get_by_role("link", name=re.compile("get your money back")).first.click()
        seeker_page.get_by_label("I didn't love it: refund my session").check()
        seeker_page.get_by_role("button", name="Send").click()
        seeker_page.get_by_text(
            "We're sorry it wasn't right. We're refunding the full $65 to your card"
        ).wait_for()
    second.refresh_from_db()
    assert second.status == Booking.Status.REFUNDED
    guarantee = Refund.objects.get(payment__payable__key_prefix=f"booking-{second.pk}")
    assert (guarantee.reason, guarantee.status, guarantee.amount_cents) == ("guarantee", "succeeded", 6500)
    # The refund email: the amount and when to expect it, once per refund.
    note = Notification.objects.get(key=f"booking-{second.pk}-refund-{guarantee.pk}")
    assert note.subject == "Your refund is on its way" and note.to == seeker.user.email
    assert any(
        m.subject == "Your refund is on its way"
        and "We've refunded $65 to your card." in m.body
        and "5 to 10 business days" in m.body
        for m in mailoutbox
    )
    assert seeker_page.console_errors == []
