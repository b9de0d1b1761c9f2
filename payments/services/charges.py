"""Charging a payable: attempts and what Stripe says about them (the off-session send and the sweep that
retries attempts are in ``sweep``). Purpose-agnostic: a session's fee and a gift go through the same
code; the owner of the payable learns the outcome from the events announced here (payments.events), in
this transaction.

- No Stripe call inside a database transaction: the attempt row is written (or locked and marked) first,
  the call is made, then the answer is recorded in a new transaction that re-reads the rows.
- Every attempt's idempotency key is ``<payable key>-charge-<attempt>`` (``booking-12-charge-1``,
  ``gift-3-charge-2``), so a retry after a timeout never charges twice on Stripe; the database allows one
  successful attempt per payable, and a second success (or one after the payable was closed) is a
  duplicate, refunded at once.
- Lock order: the payable, then its payments, then (in an event handler) the owner's row. An owner that
  has its own row locked never locks the payable in the same transaction: it closes it after commit.
"""

from contextvars import ContextVar

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from peersnet.kernel import events
from seekers.models import SeekerProfile

from .. import emails, gateway
from ..events import PaymentFailed, PaymentSucceeded
from ..models import Payable, Payment, Refund
from .cards import ChargeCard, payable_card_from_setup, saved_charge_card
from .common import UNANSWERED, PaymentError, logger
from .refunds import refund_reserve

STRIPE_TO_STATUS = {
    "succeeded": Payment.Status.SUCCEEDED,
    "processing": Payment.Status.PROCESSING,
    "requires_action": Payment.Status.REQUIRES_ACTION,
    "requires_confirmation": Payment.Status.REQUIRES_ACTION,
    "requires_payment_method": Payment.Status.FAILED,
    "canceled": Payment.Status.CANCELED,
    "failed": Payment.Status.FAILED,
}
OPEN_ON_STRIPE = [Payment.Status.REQUIRES_ACTION, Payment.Status.FAILED, Payment.Status.PROCESSING]

# The payments a PaymentSucceeded handler refused (payment_refuse) while payment_record announced it, so
# payment_record re-reads only those instead of every payment it records.
_refused: ContextVar[set[int] | None] = ContextVar("payments_refused", default=None)


_UNREAD = object()


def _new_attempt(payable: Payable, *, off_session: bool, last: Payment | None | object = _UNREAD) -> Payment:
    """Write the next attempt row for a payable (inside the caller's transaction, payable locked).
    ``last``: the payable's latest attempt (or None for none) when the caller has just read it."""
    if last is _UNREAD:
        last = payable.payments.order_by("-attempt").first()
    attempt = (last.attempt + 1) if last else 1
    return Payment.objects.create(
        payable=payable,
        attempt=attempt,
        off_session=off_session,
        amount_cents=payable.amount_cents,
        currency=payable.currency,
        idempotency_key=f"{payable.key_prefix}-charge-{attempt}",
    )


def _send(payment: Payment, *, card: ChargeCard) -> gateway.Intent:
    """Create and confirm the attempt's PaymentIntent with its own idempotency key. A refusal (Stripe
    rejected the request: a deleted customer, a detached card) is a failed attempt with a message, so
    the owner moves on instead of the attempt staying pending and being re-sent forever.
    GatewayUnavailable propagates: the attempt stays pending and is retried with the same key."""
    try:
        return gateway.payment_intent_create(
            amount=payment.amount_cents,
            customer_id=card.customer_id,
            payment_method_id=card.payment_method_id,
            off_session=payment.off_session,
            idempotency_key=payment.idempotency_key,
            metadata={"payable": payment.payable.key_prefix, "payment_id": str(payment.pk)},
        )
    except gateway.GatewayRefused as exc:
        logger.warning("stripe refused payment %s: %s", payment.pk, exc.message)
        message = "Your saved card couldn't be used for this payment. Please pay with another card."
        return gateway.Intent(None, "failed", None, payment.amount_cents, message, "", "", {})


def cancel_unsent(payment: Payment) -> None:
    Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
        status=Payment.Status.CANCELED, failure_message="Not completed: it no longer waits for payment."
    )


def payment_pay_saved_card(*, payable_id: int, seeker: SeekerProfile) -> tuple[Payment, gateway.Intent]:
    """The seeker pays their open payable with their saved card, present on the pay page. See
    ``_pay_on_session`` for what comes back."""
    card = saved_charge_card(seeker=seeker)
    if card is None:
        raise PaymentError("Please add a card first.", code="no_card")
    if not Payable.objects.filter(pk=payable_id, seeker=seeker).exists():
        raise PaymentError("We couldn't find that payment.", code="not_found")
    return _pay_on_session(payable_id, card=card)


def payment_pay_with_setup(*, payable_id: int, setup_intent_id: str) -> tuple[Payment, gateway.Intent]:
    """A payer without an account pays the payable with the card they just confirmed (a succeeded
    SetupIntent of the payable's own customer, see ``payable_checkout_start``)."""
    card = payable_card_from_setup(payable_id=payable_id, setup_intent_id=setup_intent_id)
    return _pay_on_session(payable_id, card=card)


def _pay_on_session(payable_id: int, *, card: ChargeCard) -> tuple[Payment, gateway.Intent]:
    """One on-session attempt, the payer present. Earlier attempts with another card still waiting for the
    card holder are cancelled first (the payer moved on from them), so they can't pay as well; one that
    had just succeeded is recorded and returned instead of charging again. An earlier attempt with the
    same card (a second tab) is left to finish: if both pay, the second is a duplicate, refunded.
    One attempt at a time: another still in flight (a double click, a second tab) is
    refused until it has its answer; the payer's own earlier try that got no answer from Stripe is sent
    again with its own key when it is the same card, so if it did reach Stripe, Stripe answers with that
    intent instead of charging again (with another card it is closed as failed).

    Returns the attempt and the intent: "succeeded" (done), "requires_action" (the page runs 3-D Secure
    with confirmCardPayment and then calls payment_check), or a failure with a message to show.
    GatewayUnavailable propagates, with the attempt noted as unanswered."""
    for earlier in Payment.objects.filter(
        payable_id=payable_id, status=Payment.Status.REQUIRES_ACTION, stripe_payment_intent_id__isnull=False
    ).exclude(payment_method_id__in=["", card.payment_method_id]):
        intent = cancel_and_read(earlier)
        if intent is not None:
            recorded = payment_record(payment_id=earlier.pk, intent=intent)
            if recorded.status == Payment.Status.SUCCEEDED:
                return recorded, intent
    with transaction.atomic():
        payable = Payable.objects.select_for_update().get(pk=payable_id)
        if payable.status == Payable.Status.PAID:
            raise PaymentError("This is already paid.", code="paid")
        if payable.status != Payable.Status.OPEN:
            raise PaymentError("This can't be paid any more.", code="bad_state")
        in_flight = payable.payments.filter(status__in=[Payment.Status.PENDING, Payment.Status.PROCESSING])
        unanswered = (
            in_flight.filter(
                off_session=False,
                status=Payment.Status.PENDING,
                stripe_payment_intent_id=None,
                failure_message=UNANSWERED,
            )
            .order_by("-attempt")
            .first()
        )
        if unanswered is not None and unanswered.payment_method_id not in ("", card.payment_method_id):
            Payment.objects.filter(pk=unanswered.pk).update(status=Payment.Status.FAILED)
            unanswered = None
        if in_flight.exclude(pk=unanswered.pk if unanswered else None).exists():
            raise PaymentError(
                "A payment for this is already being processed. Please wait a moment.", code="busy"
            )
        payment = unanswered or _new_attempt(payable, off_session=False)
        Payment.objects.filter(pk=payment.pk).update(
            sends=F("sends") + 1, payment_method_id=card.payment_method_id
        )
    try:
        intent = _send(payment, card=card)
    except gateway.GatewayUnavailable:
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
            failure_message=UNANSWERED
        )
        raise
    return payment_record(payment_id=payment.pk, intent=intent, card=card), intent


def cancel_and_read(payment: Payment) -> gateway.Intent | None:
    """Cancel an attempt's intent on Stripe and read it back (one that succeeded meanwhile can't be
    cancelled and says so). None when Stripe can't be asked now."""
    try:
        gateway.payment_intent_cancel(payment.stripe_payment_intent_id)
        return gateway.payment_intent_get(payment.stripe_payment_intent_id)
    except gateway.GatewayUnavailable:
        logger.warning("could not cancel intent of payment %s; a late success will be refunded", payment.pk)
    except gateway.GatewayRefused:
        logger.warning("stripe doesn't know the intent of payment %s", payment.pk)
    return None


def payment_check(*, payment_id: int) -> Payment:
    """After 3-D Secure in the browser: re-read the intent from Stripe and record what it says. The
    caller has checked that the attempt is the person's own."""
    payment = Payment.objects.get(pk=payment_id)
    if not payment.stripe_payment_intent_id:
        return payment
    return payment_record(
        payment_id=payment.pk, intent=gateway.payment_intent_get(payment.stripe_payment_intent_id)
    )


def payment_client_secret(*, payment_id: int) -> str:
    """The client secret of an attempt still waiting for the card holder (for Stripe.js's 3-D Secure),
    read from Stripe now; "" when there is none."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.status != Payment.Status.REQUIRES_ACTION or not payment.stripe_payment_intent_id:
        return ""
    return gateway.payment_intent_get(payment.stripe_payment_intent_id).client_secret or ""


def payment_record(
    *, payment_id: int, intent: gateway.Intent, card: ChargeCard | None = None, payable_id: int | None = None
) -> Payment:
    """Record what Stripe says about an attempt. The one place a payment's status changes: the
    synchronous path, the pay pages and webhooks all end here, in any order, any number of times. Final
    states win over transient ones; a success is never undone by a late failure event.

    Locks the payable, then the payment. The first success of an open payable marks it paid and announces
    PaymentSucceeded; a success on a paid or closed payable is a duplicate, refunded at once. A failure
    (or a request for 3-D Secure) announces PaymentFailed. Handlers run in this transaction.
    ``payable_id``: the attempt's payable when the caller knows it (saves a read; checked under lock)."""
    if payable_id is None:
        payable_id = Payment.objects.values_list("payable_id", flat=True).get(pk=payment_id)
    with transaction.atomic():
        payable = Payable.objects.select_for_update().get(pk=payable_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id, payable_id=payable_id)
        new_status = STRIPE_TO_STATUS.get(intent.status, Payment.Status.FAILED)
        if intent.id and payment.stripe_payment_intent_id not in (None, intent.id):
            # Another intent than the one this attempt holds: never let it speak for the attempt.
            logger.error(
                "payment %s holds intent %s; refused to record intent %s on it",
                payment.pk,
                payment.stripe_payment_intent_id,
                intent.id,
            )
            return payment
        if intent.id and not payment.stripe_payment_intent_id:
            payment.stripe_payment_intent_id = intent.id
        payment.lease_until, payment.leased_by = None, ""  # Stripe's answer is in: nobody is sending it
        if card is not None and not payment.card_last4:
            payment.card_brand, payment.card_last4 = card.brand, card.last4
        if intent.card_last4:
            payment.card_brand, payment.card_last4 = intent.card_brand, intent.card_last4
        if payment.status in (Payment.Status.SUCCEEDED, Payment.Status.DUPLICATE):
            payment.save()
            return payment
        if payment.status == Payment.Status.CANCELED and new_status != Payment.Status.SUCCEEDED:
            payment.save()
            return payment
        # A cancelled attempt that succeeded after all (3-D Secure finished as the booking was released,
        # or a send we gave up on had got through) took money: it is refunded below, never kept quietly.
        if new_status == Payment.Status.SUCCEEDED and intent.amount != payment.amount_cents:
            # Not what this attempt asked for (an intent naming our attempt in its metadata, made
            # elsewhere): never counted as payment. Staff see the log.
            logger.error(
                "payment %s: intent %s paid %s, not %s",
                payment.pk,
                intent.id,
                intent.amount,
                payment.amount_cents,
            )
            return payment
        if new_status == Payment.Status.SUCCEEDED:
            payment.succeeded_at = timezone.now()
            payment.failure_message = ""
            if payable.status != Payable.Status.OPEN:
                # Paid twice, or after the payable was closed: give it back at once.
                payment.status = Payment.Status.DUPLICATE
                payment.save()
                paid_twice = payable.status == Payable.Status.PAID
                reason = Refund.Reason.DUPLICATE if paid_twice else Refund.Reason.LATE_PAYMENT
                refund_reserve(payment=payment, amount_cents=payment.amount_cents, reason=reason)
                if paid_twice:
                    _paid_twice(payable, payment)
                return payment
            payment.status = Payment.Status.SUCCEEDED
            payment.save()
            payable.status, payable.paid_at = Payable.Status.PAID, payment.succeeded_at
            payable.save(update_fields=["status", "paid_at", "updated_at"])
            refused_before = _refused.get()
            _refused.set(set())
            try:
                events.announce(
                    PaymentSucceeded(
                        payable_id=payable.pk,
                        purpose=payable.purpose,
                        payment_id=payment.pk,
                        amount_cents=payment.amount_cents,
                        reference=payable.key_prefix.removeprefix(f"{payable.purpose}-"),
                        card_brand=payment.card_brand,
                        card_last4=payment.card_last4,
                        succeeded_at=payment.succeeded_at,
                    )
                )
                refused = payment.pk in (_refused.get() or ())
            finally:
                _refused.set(refused_before)
            if refused:
                payment.refresh_from_db()  # a handler refused the money (payment_refuse)
            return payment
        payment.status = new_status
        if new_status in (Payment.Status.FAILED, Payment.Status.REQUIRES_ACTION):
            payment.failure_message = intent.failure_message or (
                "Your bank wants to confirm this payment with you."
                if new_status == Payment.Status.REQUIRES_ACTION
                else "Your card was declined."
            )
        payment.save()
        if new_status in (Payment.Status.FAILED, Payment.Status.REQUIRES_ACTION):
            events.announce(
                PaymentFailed(
                    payable_id=payable.pk,
                    purpose=payable.purpose,
                    payment_id=payment.pk,
                    off_session=payment.off_session,
                    message=payment.failure_message,
                )
            )
        return payment


def _paid_twice(payable: Payable, payment: Payment) -> None:
    """A second payment succeeded for a paid payable: it is being refunded (reserved by the caller); flag
    the payable for staff (the admin's "paid twice" filter) and alert them once through the outbox."""
    logger.error("payable %s paid twice: payment %s is refunded", payable.key_prefix, payment.pk)
    if payable.paid_twice_at is None:
        payable.paid_twice_at = timezone.now()
        payable.save(update_fields=["paid_twice_at", "updated_at"])
    emails.email_paid_twice_alert(payment=payment)


def stray_key(named: Payment, *, attempt: int) -> str:
    """The key naming an attempt made for a stray intent of ``named`` (never sent to Stripe)."""
    return f"{named.idempotency_key}-stray-{attempt}"


def payment_record_stray(*, payment_id: int, intent: gateway.Intent) -> Payment | None:
    """An intent in our Stripe account that names one of our attempts in its metadata while that attempt
    holds another intent: a second send of the attempt got through (a sender died after Stripe charged
    and before we recorded it, and Stripe didn't recognise the key: localstripe ignores keys, Stripe
    forgets them after a day). It never speaks for the attempt it names (payment_record refuses that).

    Money it took is never kept quietly: a stray intent that succeeded, for the attempt's payable and
    amount, becomes an attempt of its own (its id stored) and is recorded like any other, so it pays
    the payable if nothing else did, and is otherwise a duplicate, refunded at once, with staff alerted.
    Anything else about it is refused and logged. Returns the new attempt, or None when refused."""
    named = Payment.objects.select_related("payable").get(pk=payment_id)
    if (
        intent.id is None
        or intent.status != "succeeded"
        or intent.amount != named.amount_cents
        or intent.metadata.get("payable") != named.payable.key_prefix
    ):
        logger.error(
            "stripe intent %s (%s) names payment %s, which holds intent %s: refused",
            intent.id,
            intent.status,
            named.pk,
            named.stripe_payment_intent_id,
        )
        return None
    with transaction.atomic():
        payable = Payable.objects.select_for_update().get(pk=named.payable_id)
        stray = Payment.objects.filter(stripe_payment_intent_id=intent.id).first()
        if stray is None:
            stray = _new_attempt(payable, off_session=named.off_session)
            stray.idempotency_key = stray_key(named, attempt=stray.attempt)  # never sent: only a name
            stray.stripe_payment_intent_id = intent.id
            stray.status, stray.sends = Payment.Status.PROCESSING, 1
            stray.failure_message = f"A second intent for attempt {named.attempt}, found on Stripe."
            stray.save()
        logger.error(
            "stripe intent %s paid attempt %s a second time; recorded as %s", intent.id, named.pk, stray.pk
        )
        return payment_record(payment_id=stray.pk, intent=intent)


def payment_record_failure(*, payment_id: int, message: str) -> Payment:
    """Record an attempt that failed before Stripe answered about it (no card, say)."""
    return payment_record(
        payment_id=payment_id, intent=gateway.Intent(None, "failed", None, 0, message, "", "", {})
    )


def payment_refuse(*, payment_id: int) -> Payment:
    """The owner of a payable doesn't want the money that just paid it (the session was released or
    cancelled a moment before): the payment becomes a duplicate, the payable closes, and the whole amount
    is refunded (sent after commit). Call from a PaymentSucceeded handler, with the payable and payment
    locked by payment_record. Safe to repeat."""
    payment = Payment.objects.select_for_update(of=("self",)).select_related("payable").get(pk=payment_id)
    if payment.status != Payment.Status.SUCCEEDED:
        return payment
    payment.status = Payment.Status.DUPLICATE
    payment.save(update_fields=["status", "updated_at"])
    refused = _refused.get()
    if refused is not None:  # inside payment_record's announcement: it re-reads this payment
        refused.add(payment.pk)
    Payable.objects.filter(pk=payment.payable_id).update(
        status=Payable.Status.CLOSED, closed_at=timezone.now(), updated_at=timezone.now()
    )
    refund_reserve(payment=payment, amount_cents=payment.amount_cents, reason=Refund.Reason.LATE_PAYMENT)
    payment.refresh_from_db()
    return payment
