"""The card page, the pay page and its 3-D Secure check, through Django's test client against localstripe.

Stripe.js's part (confirming a SetupIntent with the card, completing 3-D Secure) is done with the SDK or
with the call localstripe's Stripe.js makes, exactly where the browser would do it.
"""

import json
import urllib.request

import pytest
import stripe
from django.conf import settings
from django.urls import reverse

from bookings import services as bookings
from bookings.models import Booking
from payments import services
from payments.models import Payment, StripeCustomer
from tests.conftest import free_port
from tests.factories import BookingFactory, SeekerFactory, SupporterFactory
from tests.payments.helpers import (
    DECLINES_ON_CHARGE,
    DECLINES_ON_SAVE,
    GOOD,
    NEEDS_3DS,
    give_card,
    of_booking,
    sdk,
)

pytestmark = pytest.mark.django_db

Status = Booking.Status
PStatus = Payment.Status


@pytest.fixture
def waiting(after_commit):
    """A booking accepted whose off-session charge failed: it waits for the seeker to pay."""

    def make(card: str = DECLINES_ON_CHARGE) -> Booking:
        booking = BookingFactory()
        give_card(booking.seeker, card)
        with after_commit():
            bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
        booking.refresh_from_db()
        assert booking.status == Status.PAYMENT_PENDING
        return booking

    return make


def confirmed_setup(seeker, number: str = GOOD) -> str:
    """What Stripe.js does on the card page: confirm the page's SetupIntent with the card typed in."""
    secret = services.card_setup_start(seeker=seeker)
    setup_intent_id = secret.split("_secret_")[0]
    method = sdk().v1.payment_methods.create(
        params={"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    sdk().v1.setup_intents.confirm(setup_intent_id, params={"payment_method": method.id})
    return setup_intent_id


def authenticate(client_secret: str) -> None:
    """Press "Complete authentication" in localstripe's 3-D Secure modal (the call its Stripe.js makes)."""
    intent_id = client_secret.split("_secret_")[0]
    url = f"{settings.STRIPE_API_BASE}/v1/payment_intents/{intent_id}/_authenticate?success=true"
    body = json.dumps({"key": settings.STRIPE_PUBLISHABLE_KEY, "client_secret": client_secret}).encode()
    urllib.request.urlopen(urllib.request.Request(url, data=body, method="POST"), timeout=5).close()


def csp(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def stripe_origin() -> str:
    return settings.STRIPE_API_BASE  # localstripe serves both the API and its Stripe.js


# --- the card page --------------------------------------------------------------------------------------


def test_card_page_shows_the_setup_form_and_only_it_may_load_stripe_js(client):
    client.force_login(SeekerFactory().user)
    response = client.get(reverse("payments:card"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-setup-url="{reverse("payments:card_setup")}"' in html
    assert "data-client-secret" not in html  # the SetupIntent is made when a card is submitted
    assert f'<script src="{settings.STRIPE_JS_URL}"' in html
    policy = csp(response)
    assert stripe_origin() in policy["script-src"]
    assert stripe_origin() in policy["connect-src"]
    home = csp(client.get(reverse("home")))
    assert stripe_origin() not in home["script-src"]
    assert stripe_origin() not in home.get("connect-src", [])


def test_card_page_post_saves_the_card_and_returns_to_next(client):
    seeker = SeekerFactory()
    client.force_login(seeker.user)
    setup_intent_id = confirmed_setup(seeker)
    next_url = reverse("bookings:portal")
    response = client.post(reverse("payments:card"), {"setup_intent": setup_intent_id, "next": next_url})
    assert (response.status_code, response.url) == (302, next_url)
    assert StripeCustomer.objects.get(seeker=seeker).card_last4 == "4242"
    page = client.get(reverse("payments:card")).content.decode()
    assert "Visa ending 4242" in page


def test_card_page_post_ignores_a_next_to_another_site(client):
    seeker = SeekerFactory()
    client.force_login(seeker.user)
    response = client.post(
        reverse("payments:card"), {"setup_intent": confirmed_setup(seeker), "next": "https://evil.example/"}
    )
    assert response.url == reverse("bookings:portal")


@pytest.mark.parametrize("setup_intent", ["", "nonsense", "seti_madeup"])
def test_card_page_post_with_a_bogus_setup_intent_shows_an_error_and_saves_nothing(client, setup_intent):
    seeker = SeekerFactory()
    client.force_login(seeker.user)
    client.post(reverse("payments:card_setup"))  # the card script started adding a card
    response = client.post(reverse("payments:card"), {"setup_intent": setup_intent}, follow=True)
    assert response.status_code == 200
    assert "couldn&#x27;t be saved" in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("payments:card"))
    assert not StripeCustomer.objects.filter(seeker=seeker).exclude(payment_method_id="").exists()


def test_card_page_post_with_another_seekers_setup_intent_is_refused(client):
    mine, theirs = SeekerFactory(), SeekerFactory()
    give_card(mine)
    theirs_setup = confirmed_setup(theirs, "4000056655665556")
    client.force_login(mine.user)
    response = client.post(reverse("payments:card"), {"setup_intent": theirs_setup}, follow=True)
    assert "isn&#x27;t yours" in response.content.decode()
    assert StripeCustomer.objects.get(seeker=mine).card_last4 == "4242"
    assert StripeCustomer.objects.get(seeker=theirs).card_last4 == ""


def test_card_page_post_with_a_card_declined_at_setup_shows_the_message(client):
    seeker = SeekerFactory()
    client.force_login(seeker.user)
    with pytest.raises(stripe.CardError, match="declined"):  # Stripe.js shows this on the form...
        confirmed_setup(seeker, DECLINES_ON_SAVE)
    setup_intent_id = sdk().v1.setup_intents.list().data[0].id  # ...a tampered page posts anyway
    response = client.post(reverse("payments:card"), {"setup_intent": setup_intent_id}, follow=True)
    assert "couldn&#x27;t be saved. Please try again or use another card" in response.content.decode()
    assert StripeCustomer.objects.get(seeker=seeker).payment_method_id == ""


def test_card_setup_gives_a_fresh_setup_intent_for_the_card_script(client):
    seeker = SeekerFactory()
    client.force_login(seeker.user)
    first = client.post(reverse("payments:card_setup"))
    second = client.post(reverse("payments:card_setup"))
    assert first.status_code == second.status_code == 200
    secrets = [first.json()["client_secret"], second.json()["client_secret"]]
    assert all(secret.startswith("seti_") for secret in secrets) and secrets[0] != secrets[1]
    intent = sdk().v1.setup_intents.retrieve(secrets[0].split("_secret_")[0])
    assert intent.customer == StripeCustomer.objects.get(seeker=seeker).stripe_customer_id
    assert client.get(reverse("payments:card_setup")).status_code == 405


def test_card_setup_needs_a_signed_in_seeker(client):
    assert client.post(reverse("payments:card_setup")).status_code == 302
    client.force_login(SupporterFactory().user)
    assert client.post(reverse("payments:card_setup")).status_code == 404


def test_card_page_opens_with_stripe_unreachable_and_setup_says_so_calmly(client, settings, monkeypatch):
    monkeypatch.setattr("stripe._http_client.HTTPClient._sleep_time_seconds", lambda self, n: 0)
    seeker = SeekerFactory()
    give_card(seeker)
    client.force_login(seeker.user)
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"
    response = client.get(reverse("payments:card"))  # from our own rows: no Stripe call
    assert response.status_code == 200
    assert "Visa ending 4242" in response.content.decode()
    setup = client.post(reverse("payments:card_setup"))
    assert setup.status_code == 503 and setup["Retry-After"]
    assert "can't reach our payment provider" in setup.json()["error"]


def test_card_page_needs_a_signed_in_seeker(client):
    response = client.get(reverse("payments:card"))
    assert response.status_code == 302 and "login" in response.url
    client.force_login(SupporterFactory().user)
    assert client.get(reverse("payments:card")).status_code == 404


# --- the pay page ---------------------------------------------------------------------------------------


def test_pay_page_for_another_seekers_booking_is_not_found_and_changes_nothing(client, waiting):
    booking = waiting()
    stranger = SeekerFactory()
    give_card(stranger)
    client.force_login(stranger.user)
    payment = Payment.objects.get(**of_booking(booking))
    assert client.get(reverse("bookings:pay", args=[booking.pk])).status_code == 404
    assert client.post(reverse("bookings:pay", args=[booking.pk])).status_code == 404
    check = client.post(reverse("bookings:pay_check", args=[booking.pk]), {"payment": payment.pk})
    assert check.status_code == 404
    assert client.get(reverse("bookings:pay", args=[999999])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Status.PAYMENT_PENDING
    assert Payment.objects.filter(**of_booking(booking)).count() == 1


def test_pay_page_shows_the_deadline_and_the_saved_card(client, waiting):
    booking = waiting()
    client.force_login(booking.seeker.user)
    response = client.get(reverse("bookings:pay", args=[booking.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pay $65 with Visa ending 0341" in html
    assert stripe_origin() in csp(response)["script-src"]


def test_pay_page_post_with_a_good_card_confirms(client, waiting, after_commit, mailoutbox):
    booking = waiting()
    give_card(booking.seeker, GOOD)
    client.force_login(booking.seeker.user)
    with after_commit():
        response = client.post(reverse("bookings:pay", args=[booking.pk]))
    assert (response.status_code, response.url) == (302, reverse("bookings:detail", args=[booking.pk]))
    booking.refresh_from_db()
    assert (booking.status, booking.amount_paid_cents) == (Status.CONFIRMED, 6500)
    assert "Your session is confirmed" in [m.subject for m in mailoutbox]
    again = client.post(reverse("bookings:pay", args=[booking.pk]))  # a second click: nothing charged
    assert again.status_code == 200
    assert "This session is paid and confirmed" in again.content.decode()
    assert Payment.objects.filter(**of_booking(booking), status=PStatus.SUCCEEDED).count() == 1
    assert len(sdk().v1.payment_intents.list().data) == 2  # the declined off-session one and this one


def test_pay_page_post_ignores_amounts_from_the_browser(client, waiting):
    booking = waiting()
    give_card(booking.seeker, GOOD)
    client.force_login(booking.seeker.user)
    client.post(
        reverse("bookings:pay", args=[booking.pk]),
        {"amount": "1", "amount_cents": "1", "price_cents": "1", "currency": "eur", "booking": "1"},
    )
    payment = Payment.objects.get(**of_booking(booking), status=PStatus.SUCCEEDED)
    intent = sdk().v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    assert (payment.amount_cents, intent.amount, intent.currency) == (6500, 6500, "usd")


def test_pay_page_post_with_a_card_that_declines_again_shows_the_message(client, waiting):
    booking = waiting()
    client.force_login(booking.seeker.user)
    response = client.post(reverse("bookings:pay", args=[booking.pk]), follow=True)
    assert "Your card was declined." in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Status.PAYMENT_PENDING


def test_pay_page_with_3d_secure_hands_the_intent_to_stripe_js_then_check_confirms(client, after_commit):
    booking = BookingFactory()
    # A card needing 3-D Secure, saved: its SetupIntent is confirmed again after the first confirm asked
    # for 3-D Secure, which is what localstripe's modal does on "Complete authentication".
    secret = services.card_setup_start(seeker=booking.seeker)
    setup_intent_id = secret.split("_secret_")[0]
    method = sdk().v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": NEEDS_3DS, "exp_month": 12, "exp_year": 2031, "cvc": "123"},
        }
    )
    sdk().v1.setup_intents.confirm(setup_intent_id, params={"payment_method": method.id})
    sdk().v1.setup_intents.confirm(setup_intent_id, params={"client_secret": secret})
    services.card_setup_complete(seeker=booking.seeker, setup_intent_id=setup_intent_id)
    with after_commit():
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    client.force_login(booking.seeker.user)
    response = client.post(reverse("bookings:pay", args=[booking.pk]))
    assert response.status_code == 200
    payment = Payment.objects.filter(**of_booking(booking), off_session=False).get()
    assert payment.status == PStatus.REQUIRES_ACTION
    html = response.content.decode()
    assert f'data-action-secret="{payment.stripe_payment_intent_id}_secret_' in html
    assert f'name="payment" value="{payment.pk}"' in html
    secret = html.split('data-action-secret="')[1].split('"')[0]
    early = client.post(reverse("bookings:pay_check", args=[booking.pk]), {"payment": payment.pk})
    assert early.url == reverse("bookings:pay", args=[booking.pk])  # not completed yet
    authenticate(secret)
    with after_commit():
        response = client.post(reverse("bookings:pay_check", args=[booking.pk]), {"payment": payment.pk})
    assert response.url == reverse("bookings:detail", args=[booking.pk])
    booking.refresh_from_db()
    assert (booking.status, booking.amount_paid_cents) == (Status.CONFIRMED, 6500)


def test_pay_check_with_a_payment_of_another_booking_is_not_found(client, waiting):
    mine, theirs = waiting(), waiting()
    client.force_login(mine.seeker.user)
    other_payment = Payment.objects.get(**of_booking(theirs))
    response = client.post(reverse("bookings:pay_check", args=[mine.pk]), {"payment": other_payment.pk})
    assert response.status_code == 404
    assert client.post(reverse("bookings:pay_check", args=[mine.pk])).status_code == 404


def test_pay_check_with_a_payment_id_that_is_not_a_number_is_not_found(client, waiting):
    booking = waiting()
    client.raise_request_exception = False
    client.force_login(booking.seeker.user)
    response = client.post(reverse("bookings:pay_check", args=[booking.pk]), {"payment": "x"})
    assert response.status_code == 404
