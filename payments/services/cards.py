"""Stripe customers and cards: a seeker's saved card, and the card a payer without an account (a gift's
buyer) confirms on the pay page for one payable. Every customer is created once (idempotency key from
our own ids); every SetupIntent is fresh per page load."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from peersnet.kernel.enqueue import enqueue_on_commit
from seekers.models import SeekerProfile

from .. import gateway
from ..models import Payable, StripeCustomer
from .common import PaymentError, logger


@dataclass(frozen=True)
class ChargeCard:
    """The card an attempt is sent with: whose customer, which payment method, and how to name it."""

    customer_id: str
    payment_method_id: str
    brand: str
    last4: str


def customer_get_or_create(*, seeker: SeekerProfile) -> StripeCustomer:
    """The seeker's one Stripe customer, created on first need (idempotency key from the seeker id)."""
    existing = StripeCustomer.objects.filter(seeker=seeker).first()
    if existing:
        return existing
    customer_id = gateway.customer_create(
        email=seeker.user.email,
        name=seeker.user.get_short_name(),
        idempotency_key=f"seeker-{seeker.pk}-customer",
        metadata={"seeker_id": str(seeker.pk)},
    )
    try:
        with transaction.atomic():
            return StripeCustomer.objects.create(seeker=seeker, stripe_customer_id=customer_id)
    except IntegrityError:  # a parallel request created it first
        return StripeCustomer.objects.get(seeker=seeker)


def card_setup_start(*, seeker: SeekerProfile) -> str:
    """Start saving (or replacing) a card: returns the SetupIntent's client secret for Stripe.js.

    Each page load is its own SetupIntent (the key is fresh each time; the SDK's own network retries
    reuse it). A key that repeated across page loads would hand back a SetupIntent that already
    succeeded when the browser saved a card but never posted back, and Stripe.js can't confirm that
    one again: the seeker would be stuck until the key expired."""
    customer = customer_get_or_create(seeker=seeker)
    _id, secret = gateway.setup_intent_create(
        customer_id=customer.stripe_customer_id,
        idempotency_key=f"seeker-{seeker.pk}-setup-{uuid.uuid4().hex}",
    )
    return secret


def card_setup_complete(*, seeker: SeekerProfile, setup_intent_id: str) -> StripeCustomer:
    """Record the card of a succeeded SetupIntent as the seeker's card. Refuses a SetupIntent that is not
    this seeker's or did not succeed. The previous card is detached from the customer afterwards."""
    customer = StripeCustomer.objects.filter(seeker=seeker).first()
    if customer is None:
        raise PaymentError("Please add your card again.", code="no_customer")
    try:
        status, customer_id, payment_method_id = gateway.setup_intent_get(setup_intent_id)
    except gateway.GatewayRefused:  # no such SetupIntent (a made-up or mangled id)
        raise PaymentError("Your card couldn't be saved. Please try again.", code="not_found") from None
    if customer_id != customer.stripe_customer_id:
        raise PaymentError("That card setup isn't yours. Please try again.", code="not_yours")
    if status != "succeeded" or not payment_method_id:
        # A declined card leaves the SetupIntent unfinished (and, on Stripe, without a payment method).
        raise PaymentError(
            "Your card couldn't be saved. Please try again or use another card.", code="not_saved"
        )
    card = gateway.card_get(payment_method_id)
    if card.customer_id and card.customer_id != customer.stripe_customer_id:
        raise PaymentError("That card setup isn't yours. Please try again.", code="not_yours")
    with transaction.atomic():
        customer = StripeCustomer.objects.select_for_update().get(pk=customer.pk)
        if customer.erase_wanted_at is not None:  # the account was deleted meanwhile
            raise PaymentError("This account has been closed.", code="account_closed")
        old = customer.payment_method_id
        customer.payment_method_id = card.payment_method_id
        customer.card_brand, customer.card_last4 = card.brand, card.last4
        customer.card_exp_month, customer.card_exp_year = card.exp_month, card.exp_year
        customer.save()
    if old and old != card.payment_method_id:
        try:
            gateway.card_detach(old)
        except gateway.GatewayUnavailable:
            logger.warning("could not detach old card %s; it stays on the customer", old)
    return customer


def seeker_card(*, seeker: SeekerProfile) -> StripeCustomer | None:
    """The seeker's saved card, or None when they have none."""
    customer = StripeCustomer.objects.filter(seeker=seeker).first()
    return customer if customer and customer.has_card else None


def saved_charge_card(*, seeker: SeekerProfile) -> ChargeCard | None:
    """The seeker's saved card as something an attempt can be sent with, or None."""
    customer = seeker_card(seeker=seeker)
    if customer is None:
        return None
    return ChargeCard(
        customer_id=customer.stripe_customer_id,
        payment_method_id=customer.payment_method_id,
        brand=customer.card_brand,
        last4=customer.card_last4,
    )


# --- A payer without an account (one customer per payable) ------------------------------------------


def payable_checkout_start(*, payable_id: int) -> str:
    """Prepare the card element for an open payable whose payer has no account: the payable's own Stripe
    customer (created once, key ``<payable key>-customer``) and a fresh SetupIntent. Returns the
    SetupIntent's client secret. Raises PaymentError when the payable is no longer open; gateway errors
    propagate."""
    payable = Payable.objects.get(pk=payable_id)
    if payable.status != Payable.Status.OPEN:
        raise PaymentError("This is already paid.", code="paid")
    if not payable.stripe_customer_id:
        customer_id = gateway.customer_create(
            email=payable.payer_email,
            name=payable.payer_name,
            idempotency_key=f"{payable.key_prefix}-customer",
            metadata={"payable": payable.key_prefix},
        )
        Payable.objects.filter(pk=payable.pk, stripe_customer_id="").update(stripe_customer_id=customer_id)
        payable.refresh_from_db(fields=["stripe_customer_id"])
    _id, secret = gateway.setup_intent_create(
        customer_id=payable.stripe_customer_id,
        idempotency_key=f"{payable.key_prefix}-setup-{uuid.uuid4().hex}",
    )
    return secret


def payable_card_from_setup(*, payable_id: int, setup_intent_id: str) -> ChargeCard:
    """The card of a succeeded SetupIntent of the payable's own customer. Raises PaymentError with a
    message for the payer when the SetupIntent is unknown, someone else's or not finished."""
    customer_id = Payable.objects.values_list("stripe_customer_id", flat=True).get(pk=payable_id)
    try:
        status, intent_customer, payment_method_id = gateway.setup_intent_get(setup_intent_id)
    except gateway.GatewayRefused:
        raise PaymentError("Your card couldn't be used. Please try again.", code="not_found") from None
    if not customer_id or intent_customer != customer_id:
        raise PaymentError("Your card couldn't be used. Please try again.", code="not_yours")
    if status != "succeeded" or not payment_method_id:
        raise PaymentError(
            "Your card couldn't be used. Please try again or use another card.", code="not_ready"
        )
    card = gateway.card_get(payment_method_id)
    return ChargeCard(
        customer_id=customer_id, payment_method_id=card.payment_method_id, brand=card.brand, last4=card.last4
    )


# --- A deleted account's customer ----------------------------------------------------------------------


def customer_erase(*, seeker: SeekerProfile, now: dt.datetime) -> StripeCustomer | None:
    """The seeker's account is being deleted: forget their card here now and delete their Stripe customer
    after commit (no network call inside the deletion's transaction). Also erases the payer's name and
    address on their payables. Locks the customer row. Returns the customer, or None when they had none."""
    Payable.objects.filter(seeker=seeker).update(payer_name="", payer_email="")
    customer = StripeCustomer.objects.select_for_update().filter(seeker=seeker).first()
    if customer is None:
        return None
    customer.payment_method_id = customer.card_brand = customer.card_last4 = ""
    customer.card_exp_month = customer.card_exp_year = None
    customer.erase_wanted_at = customer.erase_wanted_at or now
    customer.save()
    if customer.stripe_deleted_at is None:
        from ..tasks import erase_customer  # tasks import this package

        enqueue_on_commit(erase_customer, customer.pk)
    return customer


def customer_erase_send(*, customer_id: int) -> StripeCustomer:
    """Delete a deleted account's customer at Stripe (its cards go with it) and record it. Outside any
    transaction; safe to run twice (a customer Stripe no longer knows counts as deleted). Raises
    GatewayUnavailable when Stripe can't be reached: the money sweep tries again."""
    customer = StripeCustomer.objects.get(pk=customer_id)
    if customer.erase_wanted_at is None or customer.stripe_deleted_at is not None:
        return customer
    gateway.customer_delete(customer.stripe_customer_id)
    StripeCustomer.objects.filter(pk=customer.pk, stripe_deleted_at=None).update(
        stripe_deleted_at=timezone.now()
    )
    customer.refresh_from_db()
    return customer


def customers_erase_due() -> int:
    """Periodic (retry_money): delete at Stripe every deleted account's customer still there. Returns how
    many were deleted; one that Stripe can't take now waits for the next run."""
    done = 0
    for customer_id in StripeCustomer.objects.filter(
        erase_wanted_at__isnull=False, stripe_deleted_at=None
    ).values_list("pk", flat=True)[:200]:
        try:
            customer_erase_send(customer_id=customer_id)
        except gateway.GatewayUnavailable:
            logger.warning(
                "could not delete customer row %s at Stripe; the next sweep tries again", customer_id
            )
            break
        done += 1
    return done
