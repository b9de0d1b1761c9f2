"""Test helpers that drive localstripe with the official SDK, as Stripe.js would in a browser."""

import hashlib
import hmac
import json
import time

import stripe
from django.conf import settings

from payments import services
from payments.models import StripeCustomer

GOOD = "4242424242424242"
DECLINES_ON_CHARGE = "4000000000000341"
DECLINES_ON_SAVE = "4000000000000002"
NEEDS_3DS = "4000002500003155"


def sdk() -> stripe.StripeClient:
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses={"api": settings.STRIPE_API_BASE})


def give_card(seeker, number: str = GOOD) -> StripeCustomer:
    """Save a card the way the card page does: SetupIntent, confirmed with the card (Stripe.js's part),
    then recorded by our service."""
    secret = services.card_setup_start(seeker=seeker)
    setup_intent_id = secret.split("_secret_")[0]
    method = sdk().v1.payment_methods.create(
        params={"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    sdk().v1.setup_intents.confirm(setup_intent_id, params={"payment_method": method.id})
    return services.card_setup_complete(seeker=seeker, setup_intent_id=setup_intent_id)


def signed(payload: dict, *, secret: str | None = None, timestamp: int | None = None) -> tuple[bytes, str]:
    """Sign an event body with Stripe's scheme (t=<ts>,v1=<hmac-sha256 of "t.body">)."""
    body = json.dumps(payload).encode()
    ts = int(time.time()) if timestamp is None else timestamp
    key = (secret or settings.STRIPE_WEBHOOK_SECRET).encode()
    signature = hmac.new(key, f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={ts},v1={signature}"


def event(event_type: str, obj: dict, *, event_id: str = "evt_test_1") -> dict:
    return {"id": event_id, "object": "event", "type": event_type, "data": {"object": obj}, "livemode": False}


_webhook_events = iter(range(1, 10**9))


def webhook_says(event_type: str, obj: dict, *, event_id: str | None = None):
    """Stripe delivers an event (signed, through the service the webhook view calls). Returns the stored
    WebhookEvent. A fresh event id each call unless one is given."""
    payload = event(event_type, obj, event_id=event_id or f"evt_helper_{next(_webhook_events)}")
    body, signature = signed(payload)
    return services.webhook_receive(payload=body, signature=signature)


def payable_of(booking) -> int:
    """The id of the booking's payable (its fee in the ledger), read fresh from the database."""
    return type(booking).objects.values_list("payable_id", flat=True).get(pk=booking.pk)


def of_booking(booking) -> dict:
    """Lookup of the ledger rows of a booking's fee: ``Payment.objects.filter(**of_booking(booking))``."""
    return {"payable__key_prefix": f"booking-{booking.pk}"}


def booking_of_payment(payment):
    """The booking whose fee this attempt is (the test reads across the layers; payments never does)."""
    from bookings.models import Booking

    return Booking.objects.get(payable_id=payment.payable_id)
