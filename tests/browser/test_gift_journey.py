"""Gift sessions in Chromium against a live server and localstripe (its fake Stripe.js): a visitor buys
three sessions for a friend; the friend opens the link from the email, signs up, claims, sees them."""

import datetime as dt
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from bookings.models import Booking
from bookings.services import booking_accept, booking_complete, booking_request
from giftcards.models import Gift, SessionCredit
from payments.models import Payment
from supporters.models import Slot
from supporters.services import bookable_window, rule_create
from tests.browser.test_payment_journey import fill_card
from tests.factories import SupporterFactory
from tests.giftcards.helpers import paid_intent_id
from tests.payments.helpers import DECLINES_ON_CHARGE, GOOD, of_booking, sdk

pytestmark = pytest.mark.django_db(transaction=True)


def assert_no_serious_violations(page, **options) -> None:
    results = Axe().run(page, **options)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_a_visitor_gifts_three_sessions_and_the_friend_signs_up_and_claims_them(
    page, browser, live_server, mailoutbox
):
    # 1. The visitor fills the gift form (no account) and sees the price worked out by the server.
    page.goto(reverse("giftcards:buy"))
    assert_no_serious_violations(page)
    page.get_by_label("Your name").fill("Sam Lee")
    page.get_by_label("Your email").fill("sam@example.com")
    page.get_by_label("Their name").fill("Jamie")
    page.get_by_label("Their email").fill("jamie@example.com")
    page.get_by_label("Number of sessions").select_option("3")
    page.get_by_label("A personal message").fill("Thinking of you. Go gently.")
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_role("heading", name="Pay for your gift").wait_for()
    assert page.get_by_text("3 sessions for Jamie").is_visible()
    assert_no_serious_violations(page, context={"exclude": [["#card"]]})

    # 2. A card that declines: a clear message, nothing issued; then a good card pays.
    fill_card(page, DECLINES_ON_CHARGE)
    page.get_by_role("button", name="Pay $195").click()
    page.get_by_text(re.compile("Nothing was charged. You can try another card.")).wait_for()
    assert not SessionCredit.objects.exists()
    fill_card(page, GOOD)
    page.get_by_role("button", name="Pay $195").click()
    page.get_by_role("heading", name="Thank you for your gift").wait_for()
    gift = Gift.objects.get()
    assert (gift.status, gift.amount_cents) == (Gift.Status.DELIVERED, 19500)
    assert sdk().v1.payment_intents.retrieve(paid_intent_id(gift)).status == "succeeded"
    assert page.console_errors == []

    # 3. The friend opens the link in the gift email, in their own browser.
    gift_email = next(m for m in mailoutbox if m.to == ["jamie@example.com"])
    assert "Thinking of you. Go gently." in gift_email.body
    link = re.search(r"https?://\S+/gift/claim/\S+/", gift_email.body).group(0)
    friend = browser.new_context(
        base_url=live_server.url, timezone_id="America/New_York", viewport={"width": 390, "height": 844}
    )
    friend.set_default_timeout(15_000)
    jamie = friend.new_page()
    errors: list[str] = []
    jamie.on("pageerror", lambda exc: errors.append(str(exc)))
    jamie.goto(path_of(link))
    jamie.wait_for_url(re.compile(r"/gift/claim/$"))  # the token is gone from the address bar
    jamie.get_by_role("heading", name="A gift from Sam Lee").wait_for()
    assert jamie.get_by_text("Thinking of you. Go gently.").is_visible()
    assert_no_serious_violations(jamie)

    # 4. They sign up with the real form, confirm their email, and come back to the gift.
    jamie.get_by_role("link", name="Create an account").click()
    jamie.get_by_label("First name").fill("Jamie")
    jamie.get_by_label("Email").fill("jamie@example.com")
    jamie.get_by_label("Password", exact=True).fill("calm-river-stones-42")
    jamie.get_by_label("Password (again)").fill("calm-river-stones-42")
    jamie.get_by_label("Date of birth").fill("2002-03-14")
    jamie.get_by_label("I understand").check()
    jamie.get_by_role("button", name="Create account").click()
    jamie.wait_for_url(re.compile(r"/accounts/confirm-email/$"))
    confirm = next(
        m for m in reversed(mailoutbox) if m.to == ["jamie@example.com"] and "confirm-email" in m.body
    )
    jamie.goto(path_of(re.search(r"https?://\S+/accounts/confirm-email/\S+/", confirm.body).group(0)))
    jamie.get_by_role("button", name="Yes, confirm my address").click()
    jamie.wait_for_url(re.compile(r"/gift/claim/$"))

    # 5. Claiming puts three sessions in their account.
    jamie.get_by_role("button", name="Add the sessions to my account").click()
    jamie.get_by_role("heading", name="Your gift sessions").wait_for()
    assert jamie.get_by_text("The gift from Sam Lee is yours: 3 sessions ready to book").is_visible()
    assert jamie.get_by_text("You have 3 gift sessions to book.").is_visible()
    assert jamie.get_by_text("3 left to book").is_visible()
    gift.refresh_from_db()
    assert gift.status == Gift.Status.CLAIMED and gift.claimed_by.user.email == "jamie@example.com"
    assert SessionCredit.objects.filter(seeker=gift.claimed_by, status="available").count() == 3
    assert_no_serious_violations(jamie)
    assert errors == []

    # 6. The buyer's receipt link shows only the three milestones.
    receipt = next(m for m in mailoutbox if m.to == ["sam@example.com"])
    page.goto(path_of(re.search(r"https?://\S+/gift/status/\S+/", receipt.body).group(0)))
    page.get_by_role("heading", name="Your gift for Jamie").wait_for()
    assert page.get_by_text("Claimed: yes").is_visible()
    assert_no_serious_violations(page)

    # 7. Jamie books with the gift: no card is asked for; once accepted, 2 sessions are left.
    supporter = SupporterFactory(display_name="Rosa Delgado")
    TOTP.activate(supporter.user, "JBSWY3DPEHPK3PXP")
    for weekday in range(5):
        rule_create(supporter=supporter, weekday=weekday, start_time=dt.time(9), end_time=dt.time(21))
    earliest, _latest = bookable_window()
    slots = list(
        Slot.objects.filter(supporter=supporter, start__gte=earliest + dt.timedelta(days=3)).order_by(
            "start"
        )[:4]
    )
    jamie.goto(reverse("bookings:request", args=[slots[0].pk]))  # profiles are browsed in their own journey
    jamie.get_by_role("heading", name="Book a session").wait_for()
    assert jamie.get_by_text("You have 3 gift sessions").is_visible()
    assert "payments/card" not in jamie.url and "/account/card/" not in jamie.url
    jamie.get_by_label("I don't know this supporter outside peersnet").check()
    jamie.get_by_role("button", name="Request this time").click()
    jamie.get_by_role("heading", name="Request sent", level=1).wait_for()
    booking = Booking.objects.get(slot=slots[0])
    booking_accept(
        booking_id=booking.pk, supporter=supporter
    )  # the dashboard click is in the booking journey
    booking.refresh_from_db()
    assert (
        booking.status,
        booking.paid_with_credit,
        Payment.objects.filter(**of_booking(booking)).count(),
    ) == (
        Booking.Status.CONFIRMED,
        True,
        0,
    )
    jamie.goto(reverse("bookings:portal"))
    jamie.get_by_text("You have 2 gift sessions").wait_for()

    # 8. Cancelling at least 24 hours ahead gives the gift session back.
    jamie.goto(reverse("bookings:cancel", args=[booking.pk]))
    jamie.get_by_role("button", name="Cancel the session").click()
    jamie.get_by_text("Your gift session is back in your account").wait_for()
    jamie.goto(reverse("bookings:portal"))
    jamie.get_by_text("You have 3 gift sessions").wait_for()

    # 9. Time passes: the three sessions happen. When the last one is used, the buyer hears of it.
    seeker = gift.claimed_by
    for slot in slots[1:]:
        later = booking_request(seeker=seeker, slot_id=slot.pk, confirms_no_personal_relationship=True)
        booking_accept(booking_id=later.pk, supporter=supporter)
        booking_complete(booking_id=later.pk, now=slot.end)
    assert SessionCredit.objects.filter(seeker=seeker, status="used").count() == 3
    buyer_mail = [m.subject for m in mailoutbox if m.to == ["sam@example.com"]]
    assert any("used" in subject.lower() for subject in buyer_mail), buyer_mail
    all_used = next(m for m in mailoutbox if m.to == ["sam@example.com"] and "used" in m.subject.lower())
    assert "Rosa" not in all_used.body  # the buyer never learns who, when or how it went
    friend.close()
