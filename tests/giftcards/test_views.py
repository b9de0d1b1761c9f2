"""The gift pages through Django's test client, against localstripe: buying, the buyer's status page,
claim links (tampering, rate limits, no token left in the URL), the recipient's credits, and admin."""

import datetime as dt
import html
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking
from giftcards import services
from giftcards.models import Gift, GiftPrice, SessionCredit
from payments.models import Refund
from tests.factories import (
    PASSWORD,
    BookingFactory,
    SeekerFactory,
    StaffFactory,
    SupporterFactory,
    UserFactory,
)
from tests.giftcards.helpers import (
    STATUS_RE,
    authenticate,
    claimed_gift,
    confirmed_setup,
    new_gift,
    paid_attempt,
    paid_intent_id,
    token_in,
)
from tests.payments.helpers import DECLINES_ON_CHARGE, GOOD, NEEDS_3DS, sdk

pytestmark = pytest.mark.django_db

BUY = {
    "buyer_name": "Sam Lee",
    "buyer_email": "sam@example.com",
    "recipient_name": "Jamie",
    "recipient_email": "jamie@example.com",
    "message": "Thinking of you.",
    "sessions": "3",
    "delivery_date": "",
}
INVALID_LINK = "This gift link isn't valid any more"


def main(response) -> str:
    """The page's <main>, whitespace squeezed: what the person reads (the CSRF token elsewhere varies)."""
    html = response.content.decode()
    inner = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", inner)


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main(response))).strip())


def customers() -> int:
    return len(sdk().v1.customers.list(params={"limit": 100}).data)


def start(client, **overrides):
    """Post the buy form; returns the response and the gift it made (if any)."""
    response = client.post(reverse("giftcards:buy"), {**BUY, **overrides})
    return response, Gift.objects.order_by("-pk").first()


def bought_through_pages(client, after_commit, number: str = GOOD) -> Gift:
    _response, gift = start(client)
    page = client.get(reverse("giftcards:pay", args=[gift.public_id]))
    secret = re.search(r'data-client-secret="([^"]+)"', page.content.decode()).group(1)
    setup_intent_id = secret.split("_secret_")[0]
    method = sdk().v1.payment_methods.create(
        params={"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    sdk().v1.setup_intents.confirm(setup_intent_id, params={"payment_method": method.id})
    with after_commit():
        response = client.post(
            reverse("giftcards:pay", args=[gift.public_id]), {"setup_intent": setup_intent_id}
        )
    gift.refresh_from_db()
    gift.last_response = response
    return gift


# --- the buy page -----------------------------------------------------------------------------------


def test_buy_page_shows_the_form_and_server_made_prices(client):
    GiftPrice.objects.create(sessions=10, total_cents=59900)
    response = client.get(reverse("giftcards:buy"))
    assert response.status_code == 200
    body = main(response)
    assert body.count("<h1") == 1
    for label in (
        "Your name",
        "Your email",
        "Their name",
        "Their email",
        "Number of sessions",
        "A personal message",
        "Delivery date",
    ):
        assert label in body
    assert "3 sessions · $195" in body and "10 sessions · $599" in body
    assert customers() == 0  # looking costs nothing


def test_buying_makes_an_unpaid_gift_and_shows_the_card_form_with_stripe_allowed_only_there(client):
    response, gift = start(client)
    assert response.status_code == 302 and response.url == reverse("giftcards:pay", args=[gift.public_id])
    assert (gift.status, gift.amount_cents, gift.sessions) == (Gift.Status.PENDING_PAYMENT, 19500, 3)
    page = client.get(response.url)
    assert page.status_code == 200
    assert 'data-client-secret="seti_' in page.content.decode()
    assert "Pay $195" in main(page)
    origin = "/".join(settings.STRIPE_JS_URL.split("/")[:3])
    assert origin in page["Content-Security-Policy"]
    assert origin not in client.get(reverse("giftcards:buy"))["Content-Security-Policy"]
    assert customers() == 1
    client.get(response.url)  # a reload makes a new SetupIntent, not a second customer
    assert customers() == 1


def test_the_price_is_never_taken_from_the_browser(client):
    _response, gift = start(client, sessions="2", amount_cents="1", price="1")
    assert gift.amount_cents == 2 * settings.SESSION_PRICE_CENTS


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"sessions": "0"}, "sessions", "Choose between 1 and 10 sessions."),
        ({"sessions": "11"}, "sessions", "Choose between 1 and 10 sessions."),
        ({"sessions": "three"}, "sessions", "Choose between 1 and 10 sessions."),
        ({"buyer_email": "sam@"}, "buyer_email", "Enter a valid email address"),
        ({"recipient_email": "not an email"}, "recipient_email", "Enter a valid email address"),
        ({"recipient_email": ""}, "recipient_email", "Please give their email address."),
        ({"buyer_name": ""}, "buyer_name", "Please tell us your name."),
        ({"delivery_date": "2020-01-01"}, "delivery_date", "That date has passed."),
        ({"delivery_date": "2099-01-01"}, "delivery_date", "within the next year"),
        ({"delivery_date": "31/31/2031"}, "delivery_date", "Enter a date"),
        ({"message": "x" * 1001}, "message", "1,000 characters or fewer"),
    ],
)
def test_bad_input_gets_a_clear_field_error_and_nothing_is_created_or_charged(
    client, overrides, field, message
):
    response, gift = start(client, **overrides)
    assert response.status_code == 200
    assert gift is None
    assert message in response.context["form"].errors[field][0]
    assert message in main(response)
    assert f'id="id_{field}"' in main(response) and 'aria-invalid="true"' in main(response)
    assert customers() == 0


def test_a_message_of_a_thousand_characters_with_line_breaks_is_accepted(client):
    message = "\r\n".join(["x" * 99] * 10)  # 990 characters and 9 line breaks as the browser sends them
    assert len(message) > 1000
    response, gift = start(client, message=message)
    assert response.status_code == 302
    assert gift.message == "\n".join(["x" * 99] * 10) and len(gift.message) == 999


def test_the_card_page_of_someone_elses_gift_is_not_found(client):
    _response, gift = start(client)
    from django.test import Client

    other = Client()
    assert other.get(reverse("giftcards:pay", args=[gift.public_id])).status_code == 404
    assert other.get(reverse("giftcards:thanks", args=[gift.public_id])).status_code == 404
    assert (
        other.post(reverse("giftcards:pay", args=[gift.public_id]), {"setup_intent": "seti_x"}).status_code
        == 404
    )


def test_paying_on_the_card_page_issues_the_gift_and_thanks_the_buyer(client, after_commit, mailoutbox):
    gift = bought_through_pages(client, after_commit)
    response = gift.last_response
    assert response.url == reverse("giftcards:thanks", args=[gift.public_id])
    assert gift.status == Gift.Status.DELIVERED
    thanks = client.get(response.url)
    assert "Thank you for your gift" in main(thanks)
    assert "We've emailed the gift to jamie@example.com" in text(thanks)
    assert len(mailoutbox) == 2
    # The card page of a paid gift goes to the thanks page; paying again charges nothing.
    assert client.get(reverse("giftcards:pay", args=[gift.public_id])).url == response.url


def test_a_declined_card_says_so_on_the_card_page_and_nothing_is_issued(client, after_commit, mailoutbox):
    gift = bought_through_pages(client, after_commit, DECLINES_ON_CHARGE)
    assert gift.last_response.url == reverse("giftcards:pay", args=[gift.public_id])
    page = client.get(gift.last_response.url)
    assert "Nothing was charged. You can try another card." in text(page)
    assert 'data-client-secret="seti_' in page.content.decode()  # a fresh form for the next card
    assert gift.status == Gift.Status.PENDING_PAYMENT
    assert not SessionCredit.objects.exists() and mailoutbox == []


def test_3d_secure_hands_the_intent_to_stripe_js_then_the_check_finishes(client, after_commit):
    _response, gift = start(client)
    client.get(reverse("giftcards:pay", args=[gift.public_id]))
    setup_intent_id = confirmed_setup(gift, NEEDS_3DS)
    response = client.post(reverse("giftcards:pay", args=[gift.public_id]), {"setup_intent": setup_intent_id})
    assert response.status_code == 200
    secret = re.search(r'data-action-secret="([^"]+)"', response.content.decode()).group(1)
    authenticate(secret)
    with after_commit():
        checked = client.post(reverse("giftcards:check", args=[gift.public_id]))
    assert checked.url == reverse("giftcards:thanks", args=[gift.public_id])
    assert Gift.objects.get(pk=gift.pk).status == Gift.Status.DELIVERED


def test_a_made_up_setup_intent_is_refused_kindly(client):
    _response, gift = start(client)
    response = client.post(
        reverse("giftcards:pay", args=[gift.public_id]), {"setup_intent": "pi_nope"}, follow=True
    )
    assert "Please enter your card details again." in text(response)
    response = client.post(
        reverse("giftcards:pay", args=[gift.public_id]), {"setup_intent": "seti_nope"}, follow=True
    )
    assert "Your card couldn't be used" in text(response)
    assert Gift.objects.get(pk=gift.pk).status == Gift.Status.PENDING_PAYMENT


def test_purchase_posts_are_rate_limited_per_ip(client):
    for _ in range(20):
        assert client.post(reverse("giftcards:buy"), {**BUY, "sessions": "0"}).status_code == 200
    response = client.post(reverse("giftcards:buy"), BUY)
    assert response.status_code == 429
    assert "Please wait a little" in main(response)
    assert not Gift.objects.exists()
    # Another address is not affected.
    assert client.post(reverse("giftcards:buy"), BUY, REMOTE_ADDR="10.0.0.9").status_code == 302


# --- claim links ---------------------------------------------------------------------------------------


@pytest.fixture
def delivered(client, after_commit, mailoutbox):
    """A gift bought through the pages by another browser; returns (gift, claim token, status token)."""
    from django.test import Client

    gift = bought_through_pages(Client(), after_commit)
    return gift, token_in(mailoutbox, "jamie@example.com"), token_in(mailoutbox, "sam@example.com", STATUS_RE)


def test_the_claim_link_moves_its_token_into_the_session_and_drops_it_from_the_url(client, delivered):
    gift, token, _status = delivered
    response = client.get(reverse("giftcards:claim_link", args=[token]))
    assert response.status_code == 302 and response.url == reverse("giftcards:claim")
    assert response["Referrer-Policy"] == "no-referrer"
    assert token not in repr(dict(client.session))  # the session keeps only the hash
    page = client.get(response.url)
    assert page.status_code == 200
    # This URL holds no secret; it keeps the usual policy so the claim form's Origin passes CSRF checks.
    assert page["Referrer-Policy"] == "same-origin"
    assert "no-store" in page["Cache-Control"]
    assert token not in page.content.decode()
    body = text(page)
    assert "A gift from Sam Lee" in body and "3 peer support sessions" in body and "Thinking of you." in body
    assert f'href="{reverse("account_signup")}?next=/gift/claim/"' in main(page)
    assert f'href="{reverse("account_login")}?next=/gift/claim/"' in main(page)


def test_a_verified_seeker_claims_and_lands_on_their_credits(client, delivered):
    gift, token, _status = delivered
    seeker = SeekerFactory()
    client.force_login(seeker.user)
    client.get(reverse("giftcards:claim_link", args=[token]))
    page = client.get(reverse("giftcards:claim"))
    assert "Add the sessions to my account" in main(page)
    response = client.post(reverse("giftcards:claim"))
    assert response.url == reverse("giftcards:credits")
    gift.refresh_from_db()
    assert (gift.status, gift.claimed_by) == (Gift.Status.CLAIMED, seeker)
    credits = client.get(response.url)
    assert "The gift from Sam Lee is yours: 3 sessions ready to book" in text(credits)
    assert "3 left to book" in text(credits)
    # The link is spent: the same generic page as any bad link.
    again = client.get(reverse("giftcards:claim_link", args=[token]))
    assert again.status_code == 404 and INVALID_LINK in main(again)


def test_claiming_signed_out_sends_to_log_in_and_the_gift_waits_in_the_session(client, delivered):
    gift, token, _status = delivered
    client.get(reverse("giftcards:claim_link", args=[token]))
    response = client.post(reverse("giftcards:claim"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    seeker = SeekerFactory()
    client.force_login(seeker.user)  # logging in keeps the session's data
    assert client.post(reverse("giftcards:claim")).url == reverse("giftcards:credits")
    assert Gift.objects.get(pk=gift.pk).claimed_by == seeker


def test_signing_up_through_the_header_keeps_the_claim_and_suggests_the_address(
    client, delivered, after_commit, mailoutbox
):
    """Not the claim page's button: the header's "Sign up" link, with no ?next=."""
    gift, token, _status = delivered
    client.get(reverse("giftcards:claim_link", args=[token]))
    form = client.get(reverse("account_signup"))
    assert 'value="jamie@example.com"' in main(form)  # the address the gift was sent to
    with after_commit():
        response = client.post(
            reverse("account_signup"),
            {
                "first_name": "Jamie",
                "email": "jamie@example.com",
                "password1": "calm-river-stones-42",
                "password2": "calm-river-stones-42",
                "date_of_birth": "2002-03-14",
                "time_zone": "America/New_York",
                "agree_terms": "on",
            },
        )
    assert response.url == reverse("account_email_verification_sent")
    confirm = next(m for m in mailoutbox if m.to == ["jamie@example.com"] and "confirm-email" in m.body)
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", confirm.body).group(1)
    response = client.post(link)
    assert response.url == reverse("giftcards:claim")  # back to the gift, signed in
    assert "Add the sessions to my account" in main(client.get(response.url))
    assert client.post(reverse("giftcards:claim")).url == reverse("giftcards:credits")
    gift.refresh_from_db()
    assert gift.claimed_by.user.email == "jamie@example.com"
    # Claimed: the detour is forgotten, and the next log-in goes to the usual page.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "jamie@example.com", "password": "calm-river-stones-42"}
    )
    assert response.url == reverse("accounts:home")


def test_logging_in_through_the_header_comes_back_to_the_claim(client, delivered):
    gift, token, _status = delivered
    seeker = SeekerFactory(user__email="riley@example.com")
    client.get(reverse("giftcards:claim_link", args=[token]))
    response = client.post(reverse("account_login"), {"login": "riley@example.com", "password": PASSWORD})
    assert response.url == reverse("giftcards:claim")
    assert client.post(reverse("giftcards:claim")).url == reverse("giftcards:credits")
    assert Gift.objects.get(pk=gift.pk).claimed_by == seeker


def test_sign_up_suggests_no_address_without_a_gift(client):
    assert 'name="email" value=' not in client.get(reverse("account_signup")).content.decode()


def test_a_spent_claim_link_forgets_the_detour(client, delivered):
    gift, token, _status = delivered
    SeekerFactory(user__email="riley@example.com")
    client.get(reverse("giftcards:claim_link", args=[token]))
    services.gift_claim(token_hash=gift.token_hash, seeker=SeekerFactory())  # claimed elsewhere meanwhile
    assert client.get(reverse("giftcards:claim")).status_code == 404
    response = client.post(reverse("account_login"), {"login": "riley@example.com", "password": PASSWORD})
    assert response.url == reverse("accounts:home")
    client.logout()
    assert "jamie@example.com" not in client.get(reverse("account_signup")).content.decode()


def test_an_unverified_seeker_is_asked_to_confirm_their_email_first(client, delivered):
    _gift, token, _status = delivered
    seeker = SeekerFactory(user__verified=False)
    client.force_login(seeker.user)
    client.get(reverse("giftcards:claim_link", args=[token]))
    assert "Please confirm your email address first" in text(client.get(reverse("giftcards:claim")))
    assert client.post(reverse("giftcards:claim")).url == reverse("account_email")
    assert not SessionCredit.objects.exclude(seeker=None).exists()


def test_a_supporter_account_cannot_claim(client, delivered):
    _gift, token, _status = delivered
    client.force_login(SupporterFactory().user)
    client.get(reverse("giftcards:claim_link", args=[token]))
    assert "this account doesn't" in text(client.get(reverse("giftcards:claim")))
    assert client.post(reverse("giftcards:claim")).status_code == 404
    assert not SessionCredit.objects.exclude(seeker=None).exists()


def test_every_bad_claim_link_gets_the_same_page(client, delivered, after_commit, mailoutbox):
    gift, token, status_token = delivered
    # Another gift, claimed: its spent link.
    from django.test import Client

    other = bought_through_pages(Client(), after_commit)
    other_token = token_in(mailoutbox, "jamie@example.com")
    services.gift_claim(token=other_token, seeker=SeekerFactory())
    bad = [
        token[:-1],  # truncated
        token[:-1] + ("A" if token[-1] != "A" else "B"),  # changed
        "A" * 43,  # unknown
        status_token,  # the buyer's status link's token
        other_token,  # already claimed
        "x",
    ]
    pages = set()
    for value in bad:
        response = client.get(reverse("giftcards:claim_link", args=[value]))
        assert response.status_code == 404
        assert response["Referrer-Policy"] == "no-referrer"
        assert INVALID_LINK in main(response)
        pages.add(main(response))
    assert len(pages) == 1
    # No token in the session: the claim page says the same.
    assert main(client.get(reverse("giftcards:claim"))) in pages
    assert Gift.objects.get(pk=gift.pk).status == Gift.Status.DELIVERED
    assert other.pk != gift.pk


def test_claim_links_are_rate_limited_per_ip_even_for_a_good_token(client, delivered):
    _gift, token, _status = delivered
    for i in range(20):
        assert client.get(reverse("giftcards:claim_link", args=[f"{i:0>43}"])).status_code == 404
    limited = client.get(reverse("giftcards:claim_link", args=[token]))
    assert limited.status_code == 429
    assert "Please wait a little" in main(limited) and "try again in an hour" in main(limited)
    assert (
        client.get(reverse("giftcards:claim_link", args=[token]), REMOTE_ADDR="10.1.2.3").status_code == 302
    )


# --- the buyer's status page -------------------------------------------------------------------------------


def test_the_status_page_says_delivered_claimed_and_all_used_and_nothing_more(
    client, delivered, after_commit
):
    gift, token, status_token = delivered
    url = reverse("giftcards:status", args=[status_token])
    first = client.get(url)
    assert first["Referrer-Policy"] == "no-referrer"
    assert text(first).startswith(
        "Your gift for Jamie Delivered: yes Claimed: not yet All sessions used: not yet"
    ), text(first)

    # A name of their own: a random one could be the recipient's, which the page rightly shows.
    seeker = SeekerFactory(user__first_name="Marisol")
    services.gift_claim(token=token, seeker=seeker)
    supporter = SupporterFactory(display_name="Jess Rivera")
    bookings = []
    for hours in (30, 60, 90):
        booking = BookingFactory(
            seeker=seeker, slot__supporter=supporter, hours_ahead=hours, status="confirmed"
        )
        services.credit_take(seeker=seeker, booking_id=booking.pk)
        bookings.append(booking)
    Booking.objects.filter(pk=bookings[0].pk).update(status="completed")
    bookings[0].refresh_from_db()
    services.credit_settle(booking_id=bookings[0].pk)
    middle = client.get(url)
    assert text(middle).startswith(
        "Your gift for Jamie Delivered: yes Claimed: yes All sessions used: not yet"
    )

    with after_commit():
        for booking in bookings[1:]:
            Booking.objects.filter(pk=booking.pk).update(status="completed")
            booking.refresh_from_db()
            services.credit_settle(booking_id=booking.pk)
    last = client.get(url)
    assert text(last).startswith("Your gift for Jamie Delivered: yes Claimed: yes All sessions used: yes")
    for page in (first, middle, last):
        body = text(page)
        assert "Jess" not in body and "Rivera" not in body
        assert seeker.user.email not in body and seeker.user.first_name not in body
        for booking in bookings:
            local = timezone.localtime(booking.start)
            assert local.strftime("%B") + " " + str(local.day) not in body
            assert str(local.day) + " " + local.strftime("%B") not in body
        for leak in ("1 of", "2 of", "left", "remaining", "booked", "session on", "Supporter"):
            assert leak not in body
        # Everything it says, word for word, besides the three lines.
        rest = body.split("All sessions used:")[1]
        assert re.sub(r"^ (yes|not yet) ", "", rest).startswith(
            "That's everything we share. Who they talk to, when, and how it's going stays private to them."
        )


def test_the_status_page_before_delivery_gives_the_date(client, after_commit, mailoutbox):
    gift = new_gift(delivery_date=timezone.localdate() + dt.timedelta(days=20))
    with after_commit():
        from tests.giftcards.helpers import pay

        pay(gift)
    page = client.get(reverse("giftcards:status", args=[token_in(mailoutbox, "sam@example.com", STATUS_RE)]))
    day = gift.delivery_date
    assert f"Delivered: scheduled for {day:%A} {day.day} {day:%B} {day.year}" in text(page)


def test_a_bad_status_link_gets_the_same_generic_page(client, delivered):
    _gift, token, status_token = delivered
    for value in (status_token[:-2], token, "nope"):
        response = client.get(reverse("giftcards:status", args=[value]))
        assert response.status_code == 404 and INVALID_LINK in main(response)


# --- the recipient's credits page ----------------------------------------------------------------------


def test_the_credits_page_lists_where_each_gift_came_from(client, django_assert_max_num_queries):
    seeker = SeekerFactory()
    claimed_gift(seeker, sessions=3, buyer_name="Sam Lee", message="Go gently <3")
    second = claimed_gift(seeker, sessions=1, buyer_name="", message="")
    booking = BookingFactory(seeker=seeker, status="confirmed")
    services.credit_take(seeker=seeker, booking_id=booking.pk)
    claimed_gift(SeekerFactory(), sessions=5, buyer_name="Someone Else")
    client.force_login(seeker.user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("giftcards:credits"))
    body = text(response)
    assert "You have 3 gift sessions to book." in body
    assert "From Sam Lee · 3 sessions" in body and "Go gently &lt;3" in main(response)  # escaped
    assert "From a friend · 1 session" in body
    assert "Someone Else" not in body
    assert ("2 left to book · 1 booked" in body) or ("0 left to book · 1 booked" in body)
    assert second.pk


def test_the_credits_page_needs_a_seeker(client):
    response = client.get(reverse("giftcards:credits"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    client.force_login(SupporterFactory().user)
    assert client.get(reverse("giftcards:credits")).status_code == 404


def test_the_credits_summary_include_speaks_only_when_there_are_credits():
    html = render_to_string("giftcards/_credits_summary.html", {"gift_credits": 2})
    assert "<strong>You have 2 gift sessions</strong>" in html
    assert "Paid with" not in html
    assert "You have 1 gift session<" in render_to_string(
        "giftcards/_credits_summary.html", {"gift_credits": 1}
    )
    linked = render_to_string("giftcards/_credits_summary.html", {"gift_credits": 1, "show_link": True})
    assert f'href="{reverse("giftcards:credits")}"' in linked
    assert "gift session" not in render_to_string("giftcards/_credits_summary.html", {"gift_credits": 0})


# --- admin ---------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    staff = StaffFactory(is_superuser=True)
    TOTP.activate(staff, "JBSWY3DPEHPK3PXP")  # the admin opens only with two-factor set up
    client.force_login(staff)
    return client


def test_admin_lists_gifts_and_resends_with_a_new_link(staff_client, delivered, after_commit, mailoutbox):
    gift, token, _status = delivered
    listing = staff_client.get(reverse("admin:giftcards_gift_changelist") + "?status__exact=delivered")
    assert listing.status_code == 200 and "jamie@example.com" in listing.content.decode()
    assert staff_client.get(reverse("admin:giftcards_gift_change", args=[gift.pk])).status_code == 200
    with after_commit():
        staff_client.post(
            reverse("admin:giftcards_gift_changelist"),
            {"action": "resend_gift_email", "_selected_action": [gift.pk]},
        )
    new = token_in(mailoutbox, "jamie@example.com")
    assert new != token
    assert services.gift_claim(token=new, seeker=SeekerFactory()).status == Gift.Status.CLAIMED


def test_admin_corrects_the_recipient_before_the_claim_only(
    staff_client, delivered, after_commit, mailoutbox
):
    gift, token, _status = delivered
    url = reverse("admin:giftcards_gift_recipient", args=[gift.pk])
    assert "jamie@example.com" in staff_client.get(url).content.decode()
    with after_commit():
        response = staff_client.post(
            url, {"recipient_email": "jamie.real@example.com", "recipient_name": "Jamie"}
        )
    assert response.status_code == 302
    assert Gift.objects.get(pk=gift.pk).recipient_email == "jamie.real@example.com"
    services.gift_claim(token=token_in(mailoutbox, "jamie.real@example.com"), seeker=SeekerFactory())
    refused = staff_client.post(url, {"recipient_email": "x@example.com"})
    assert "hasn't been claimed" in html.unescape(refused.content.decode())
    assert Gift.objects.get(pk=gift.pk).recipient_email == "jamie.real@example.com"


def test_admin_refunds_an_unclaimed_gift_in_full(staff_client, delivered, after_commit):
    gift, _token, _status = delivered
    with after_commit():
        staff_client.post(
            reverse("admin:giftcards_gift_changelist"),
            {"action": "refund_in_full", "_selected_action": [gift.pk]},
        )
    gift.refresh_from_db()
    refund = Refund.objects.get(payment=paid_attempt(gift))
    assert gift.status == Gift.Status.REFUNDED and refund.status == Refund.Status.SUCCEEDED
    refunds = sdk().v1.refunds.list(params={"payment_intent": paid_intent_id(gift)}).data
    assert [r.amount for r in refunds] == [gift.amount_cents]


def test_admin_edits_bundle_prices_and_the_buy_page_follows(staff_client):
    response = staff_client.post(
        reverse("admin:giftcards_giftprice_add"), {"sessions": "4", "total_cents": "23000"}
    )
    assert response.status_code == 302
    assert "4 sessions · $230" in main(staff_client.get(reverse("giftcards:buy")))
    bad = staff_client.post(
        reverse("admin:giftcards_giftprice_add"), {"sessions": "12", "total_cents": "100"}
    )
    assert bad.status_code == 200 and not GiftPrice.objects.filter(sessions=12).exists()


def test_non_staff_cannot_reach_the_gift_admin(client):
    client.force_login(UserFactory())
    assert client.get(reverse("admin:giftcards_gift_changelist")).status_code == 302
