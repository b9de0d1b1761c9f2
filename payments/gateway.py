"""The only module that imports the Stripe SDK. Everything else in peersnet calls these functions.

The client takes its key (and, for localstripe in development and tests, its API base) from
settings. Every write sends an idempotency key built from our own ids. Network trouble becomes
GatewayUnavailable so callers can leave their rows in a clear state and retry with the same key.
"""

import logging
import time
from dataclasses import dataclass
from functools import cache

import stripe
from django.conf import settings

from peersnet.kernel.errors import DependencyUnavailable

logger = logging.getLogger(__name__)


class GatewayUnavailable(DependencyUnavailable):
    """Stripe could not be reached, timed out or answered with a server error: try again later, same key.
    Uncaught in a request, it becomes the "busy, try again" page (peersnet.middleware.BusyMiddleware)."""


class GatewayRefused(Exception):
    """Stripe refused the request (bad card, invalid parameters). ``message`` is safe to show."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Card:
    payment_method_id: str
    brand: str
    last4: str
    exp_month: int | None
    exp_year: int | None
    customer_id: str | None


@dataclass(frozen=True)
class Intent:
    """A PaymentIntent as far as we care about it."""

    id: str | None
    status: str  # Stripe's status, or "failed" when a card error came back without an intent
    client_secret: str | None
    amount: int
    failure_message: str
    card_brand: str
    card_last4: str
    metadata: dict


@cache
def _client(key: str, api_base: str, timeout: float, retries: int) -> stripe.StripeClient:
    kwargs = {
        # Each request gives up after ``timeout`` seconds (the SDK's own default is 80 s), and the SDK
        # retries network errors and timeouts ``retries`` times with the same idempotency key.
        "http_client": stripe.new_default_http_client(timeout=timeout),
        "max_network_retries": retries,
    }
    if api_base:
        kwargs["base_addresses"] = {"api": api_base}
    return stripe.StripeClient(key, **kwargs)


def client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise GatewayUnavailable("STRIPE_SECRET_KEY is not set")
    return _client(
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_API_BASE,
        settings.STRIPE_TIMEOUT_SECONDS,
        settings.STRIPE_MAX_NETWORK_RETRIES,
    )


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except (
        stripe.APIConnectionError,
        stripe.RateLimitError,
        stripe.APIError,
        stripe.AuthenticationError,
    ) as exc:
        logger.warning("stripe unavailable: %s", exc)
        raise GatewayUnavailable(str(exc)) from exc
    except stripe.CardError as exc:
        raise GatewayRefused(
            exc.user_message or "Your card was declined.", code=exc.code or "card_error"
        ) from exc
    except (stripe.InvalidRequestError, stripe.IdempotencyError) as exc:
        # IdempotencyError: a key reused with other parameters. It is not an InvalidRequestError in the
        # SDK, and left alone it would escape as an unexpected exception.
        logger.error("stripe refused a request: %s", exc)
        raise GatewayRefused("The payment service refused this request.", code="invalid_request") from exc


def _options(idempotency_key: str | None) -> dict:
    return {"idempotency_key": idempotency_key} if idempotency_key else {}


# --- Customers and cards ------------------------------------------------------------------------


def customer_create(*, email: str, name: str, idempotency_key: str, metadata: dict) -> str:
    customer = _call(
        client().v1.customers.create,
        params={"email": email, "name": name, "metadata": metadata},
        options=_options(idempotency_key),
    )
    return customer.id


def customer_delete(customer_id: str) -> None:
    """Delete a customer at Stripe: its saved cards go with it (an account was deleted). Past charges and
    their refunds are unaffected. A customer Stripe no longer knows counts as deleted."""
    try:
        _call(client().v1.customers.delete, customer_id)
    except GatewayRefused:
        logger.info("customer %s was already deleted", customer_id)


def setup_intent_create(*, customer_id: str, idempotency_key: str) -> tuple[str, str]:
    """A SetupIntent to save a card for later off-session charges. Returns (id, client_secret)."""
    intent = _call(
        client().v1.setup_intents.create,
        params={"customer": customer_id, "payment_method_types": ["card"], "usage": "off_session"},
        options=_options(idempotency_key),
    )
    return intent.id, intent.client_secret


def setup_intent_get(setup_intent_id: str) -> tuple[str, str | None, str | None]:
    """(status, customer id, payment method id) of a SetupIntent."""
    intent = _call(client().v1.setup_intents.retrieve, setup_intent_id)
    payment_method = intent.payment_method
    if payment_method is not None and not isinstance(payment_method, str):
        payment_method = payment_method.id
    customer = (
        intent.customer if isinstance(intent.customer, str) or intent.customer is None else intent.customer.id
    )
    return intent.status, customer, payment_method


def card_get(payment_method_id: str) -> Card:
    method = _call(client().v1.payment_methods.retrieve, payment_method_id)
    card = method.card
    customer = (
        method.customer if isinstance(method.customer, str) or method.customer is None else method.customer.id
    )
    return Card(
        payment_method_id=method.id,
        brand=(card.brand or "").lower() if card else "",
        last4=(card.last4 or "") if card else "",
        exp_month=getattr(card, "exp_month", None) if card else None,
        exp_year=getattr(card, "exp_year", None) if card else None,
        customer_id=customer,
    )


def card_detach(payment_method_id: str) -> None:
    try:
        _call(client().v1.payment_methods.detach, payment_method_id)
    except GatewayRefused:
        logger.info("payment method %s was already detached", payment_method_id)


# --- PaymentIntents -------------------------------------------------------------------------------


def _plain(metadata) -> dict:
    if metadata is None:
        return {}
    return metadata.to_dict() if hasattr(metadata, "to_dict") else dict(metadata)


def _intent(obj) -> Intent:
    error = getattr(obj, "last_payment_error", None)
    brand = last4 = ""
    charge = getattr(obj, "latest_charge", None)
    details = (
        getattr(charge, "payment_method_details", None) if charge and not isinstance(charge, str) else None
    )
    if details is not None and getattr(details, "card", None) is not None:
        brand, last4 = (details.card.brand or "").lower(), details.card.last4 or ""
    return Intent(
        id=obj.id,
        status=obj.status,
        client_secret=getattr(obj, "client_secret", None),
        amount=obj.amount,
        failure_message=(getattr(error, "message", "") or "") if error else "",
        card_brand=brand,
        card_last4=last4,
        metadata=_plain(obj.metadata),
    )


def payment_intent_create(
    *,
    amount: int,
    customer_id: str,
    payment_method_id: str,
    off_session: bool,
    idempotency_key: str,
    metadata: dict,
) -> Intent:
    """Create and confirm a PaymentIntent with a saved card. A card decline comes back as an Intent with
    status "failed" (and its id when Stripe tells us) rather than an exception."""
    params = {
        "amount": amount,
        "currency": settings.CURRENCY,
        "customer": customer_id,
        "payment_method": payment_method_id,
        "confirm": True,
        "metadata": metadata,
    }
    if off_session:
        params["off_session"] = True
    try:
        return _intent(client().v1.payment_intents.create(params=params, options=_options(idempotency_key)))
    except stripe.CardError as exc:
        # Real Stripe includes the failed intent (declines, authentication_required); localstripe does not.
        failed = getattr(exc.error, "payment_intent", None)
        message = exc.user_message or "Your card was declined."
        if exc.code == "authentication_required":
            message = "Your bank wants to confirm this payment with you."
        return Intent(
            id=getattr(failed, "id", None),
            status="failed" if failed is None else "requires_payment_method",
            client_secret=getattr(failed, "client_secret", None),
            amount=amount,
            failure_message=message,
            card_brand="",
            card_last4="",
            metadata=metadata,
        )
    except (
        stripe.APIConnectionError,
        stripe.RateLimitError,
        stripe.APIError,
        stripe.AuthenticationError,
    ) as exc:
        raise GatewayUnavailable(str(exc)) from exc
    except (stripe.InvalidRequestError, stripe.IdempotencyError) as exc:
        logger.error("stripe refused a payment intent: %s", exc)
        raise GatewayRefused("The payment service refused this payment.", code="invalid_request") from exc


def payment_intent_get(payment_intent_id: str) -> Intent:
    return _intent(
        _call(client().v1.payment_intents.retrieve, payment_intent_id, params={"expand": ["latest_charge"]})
    )


def payment_intent_cancel(payment_intent_id: str) -> None:
    """Ask Stripe to cancel an open intent. An intent that is already final (succeeded, say) can't be
    cancelled: that is not an error here, so callers must re-read the intent to learn its real state."""
    try:
        _call(client().v1.payment_intents.cancel, payment_intent_id)
    except GatewayRefused:
        logger.info("payment intent %s could not be cancelled (already final)", payment_intent_id)


# --- Refunds --------------------------------------------------------------------------------------


def refund_create(
    *, payment_intent_id: str, amount: int, idempotency_key: str, metadata: dict
) -> tuple[str, str]:
    """Refund part or all of a payment. Returns (refund id, Stripe status)."""
    refund = _call(
        client().v1.refunds.create,
        params={"payment_intent": payment_intent_id, "amount": amount, "metadata": metadata},
        options=_options(idempotency_key),
    )
    return refund.id, refund.status


def refund_get(refund_id: str) -> str:
    """Stripe's status of a refund we already created."""
    return _call(client().v1.refunds.retrieve, refund_id).status


def charge_payment_intent(charge_id: str) -> str | None:
    """The payment intent a charge belongs to, as Stripe says (never as a webhook payload says)."""
    charge = _call(client().v1.charges.retrieve, charge_id)
    intent = charge.payment_intent
    return intent if isinstance(intent, str) or intent is None else intent.id


def refunds_of_charge(charge_id: str) -> tuple[str | None, list[tuple[str, str, int, dict]]]:
    """(payment intent id, [(refund id, status, amount, metadata)]) of a charge."""
    charge = _call(client().v1.charges.retrieve, charge_id)
    intent = (
        charge.payment_intent
        if isinstance(charge.payment_intent, str) or charge.payment_intent is None
        else (charge.payment_intent.id)
    )
    refunds = (
        _call(client().v1.refunds.list, params={"payment_intent": intent, "limit": 100}) if intent else None
    )
    rows = [(r.id, r.status, r.amount, _plain(r.metadata)) for r in (refunds.data if refunds else [])]
    return intent, rows


# --- Webhooks -------------------------------------------------------------------------------------


class BadSignature(Exception):
    pass


# How far a webhook's signed timestamp may be from our clock, either way: Stripe's own default.
WEBHOOK_TOLERANCE_SECONDS = stripe.Webhook.DEFAULT_TOLERANCE


def webhook_event(payload: bytes, signature: str) -> dict:
    """Verify a webhook's signature on the raw body, and its timestamp within the tolerance either way.

    The SDK refuses timestamps too far in the past only; one too far ahead of our clock is refused here,
    so a signed body can't be made to stay valid for later."""
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=WEBHOOK_TOLERANCE_SECONDS
        )
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise BadSignature(str(exc)) from exc
    # The timestamp the SDK verified the signature with: the first "t=" of the header.
    timestamp = int(next(item[2:] for item in signature.split(",") if item.startswith("t=")))
    if timestamp > time.time() + WEBHOOK_TOLERANCE_SECONDS:
        raise BadSignature(f"Timestamp ahead of our clock beyond the tolerance ({timestamp})")
    return event.to_dict() if hasattr(event, "to_dict") else dict(event)
