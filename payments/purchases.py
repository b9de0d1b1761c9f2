"""The Stripe side of buying a gift. Plain values in, plain values out: the giftcards app decides and
records; this module only talks to Stripe, through payments.gateway, with idempotency keys built from
the gift's id:

- ``gift-<id>-customer``: the buyer's Stripe customer (one per gift: buyers have no account);
- ``gift-<id>-setup-<random>``: one SetupIntent per page load (see payments.services.card_setup_start);
- ``gift-<id>-charge-<attempt>``: each try to pay, so a declined card can be followed by another card
  (Stripe replays the first answer for a reused key, decline included);
- ``gift-<id>-refund``: the full refund staff may give before the gift is claimed;
- ``gift-<id>-duplicate-<intent>``: money back for an intent that paid a gift already paid.

Every PaymentIntent carries ``metadata.gift_id``, which is how a webhook tells a gift's payment from a
booking's.
"""

import uuid
from dataclasses import dataclass

from peersnet.errors import DomainError

from . import gateway


class PurchaseError(DomainError):
    pass


@dataclass(frozen=True)
class GiftCard:
    payment_method_id: str
    brand: str
    last4: str


def gift_customer_create(*, gift_id: int, name: str, email: str) -> str:
    """The buyer's Stripe customer for this gift. Returns its id."""
    return gateway.customer_create(
        email=email,
        name=name,
        idempotency_key=f"gift-{gift_id}-customer",
        metadata={"gift_id": str(gift_id)},
    )


def gift_setup_start(*, gift_id: int, customer_id: str) -> str:
    """A SetupIntent for the card element. Returns its client secret. A fresh one per page load."""
    _id, secret = gateway.setup_intent_create(
        customer_id=customer_id, idempotency_key=f"gift-{gift_id}-setup-{uuid.uuid4().hex}"
    )
    return secret


def gift_card_from_setup(*, setup_intent_id: str, customer_id: str) -> GiftCard:
    """The card of a succeeded SetupIntent of this customer. Raises PurchaseError with a message for the
    buyer when the SetupIntent is unknown, someone else's or not finished."""
    try:
        status, intent_customer, payment_method_id = gateway.setup_intent_get(setup_intent_id)
    except gateway.GatewayRefused:
        raise PurchaseError("Your card couldn't be used. Please try again.", code="not_found") from None
    if not customer_id or intent_customer != customer_id:
        raise PurchaseError("Your card couldn't be used. Please try again.", code="not_yours")
    if status != "succeeded" or not payment_method_id:
        raise PurchaseError(
            "Your card couldn't be used. Please try again or use another card.", code="not_ready"
        )
    card = gateway.card_get(payment_method_id)
    return GiftCard(payment_method_id=card.payment_method_id, brand=card.brand, last4=card.last4)


def gift_charge(
    *, gift_id: int, attempt: int, amount_cents: int, customer_id: str, payment_method_id: str
) -> gateway.Intent:
    """Create and confirm the gift's PaymentIntent with the buyer's card, the buyer present (on-session).
    A decline comes back as an Intent with a failure message; 3-D Secure as "requires_action".
    A refusal of the request itself becomes a failed Intent too, so the buyer can try another card."""
    try:
        return gateway.payment_intent_create(
            amount=amount_cents,
            customer_id=customer_id,
            payment_method_id=payment_method_id,
            off_session=False,
            idempotency_key=f"gift-{gift_id}-charge-{attempt}",
            metadata={"gift_id": str(gift_id), "attempt": str(attempt)},
        )
    except gateway.GatewayRefused:
        return gateway.Intent(
            None, "failed", None, amount_cents, "Your card couldn't be used for this payment.", "", "", {}
        )


def gift_intent_get(payment_intent_id: str) -> gateway.Intent:
    """What Stripe says about an intent now (webhook payloads are never trusted)."""
    return gateway.payment_intent_get(payment_intent_id)


def gift_intent_close(payment_intent_id: str) -> gateway.Intent:
    """Cancel an earlier attempt before a new one, so no two attempts can both pay; returns the intent as
    Stripe has it afterwards (one that had just succeeded can't be cancelled and says so)."""
    gateway.payment_intent_cancel(payment_intent_id)
    return gateway.payment_intent_get(payment_intent_id)


def gift_refund(*, gift_id: int, payment_intent_id: str, amount_cents: int) -> tuple[str, str]:
    """Refund a gift in full (staff, before it is claimed). Returns (refund id, Stripe status)."""
    if amount_cents <= 0:
        raise PurchaseError("Nothing to refund.", code="nothing")
    return gateway.refund_create(
        payment_intent_id=payment_intent_id,
        amount=amount_cents,
        idempotency_key=f"gift-{gift_id}-refund",
        metadata={"gift_id": str(gift_id)},
    )


def gift_refund_duplicate(*, gift_id: int, payment_intent_id: str, amount_cents: int) -> tuple[str, str]:
    """Give back a second payment for a gift that was already paid (a late 3-D Secure completion)."""
    return gateway.refund_create(
        payment_intent_id=payment_intent_id,
        amount=amount_cents,
        idempotency_key=f"gift-{gift_id}-duplicate-{payment_intent_id}",
        metadata={"gift_id": str(gift_id), "reason": "duplicate"},
    )
