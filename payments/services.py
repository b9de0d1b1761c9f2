"""Money: saved cards, charges, refunds and Stripe's webhooks.

Rules that keep money safe here:
- No Stripe call inside a database transaction. A row is written (or locked and marked) first, the
  call is made, then the result is recorded in a new transaction that re-reads the row.
- Every Stripe write carries an idempotency key from our own ids (``booking-12-charge-1``,
  ``refund-34``), so a retry after a timeout never charges or refunds twice on Stripe; our database
  enforces the same (one successful payment per booking; refunds reserved against what was paid).
- Webhooks never trust their payload: they re-read the object from Stripe and reconcile, so replays
  and out-of-order delivery end in the same state.
"""

import datetime as dt
import logging
import re
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from peersnet.errors import DomainError
from peersnet.kernel.enqueue import enqueue_on_commit
from seekers.models import SeekerProfile

from . import gateway
from .models import Payment, Refund, StripeCustomer, WebhookEvent

logger = logging.getLogger(__name__)

MAX_REFUND_ATTEMPTS = 10
UNANSWERED = "We couldn't reach our payment provider, so this payment didn't go through. Please try again."


class PaymentError(DomainError):
    pass


# --- Customers and saved cards ---------------------------------------------------------------------


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
    customer = StripeCustomer.objects.filter(seeker=seeker).first()
    return customer if customer and customer.has_card else None


# --- Charging a booking ----------------------------------------------------------------------------


def _new_attempt(booking, *, off_session: bool) -> Payment:
    """Write the next attempt row for a booking (inside the caller's transaction, booking locked)."""
    last = booking.payments.order_by("-attempt").first()
    attempt = (last.attempt + 1) if last else 1
    return Payment.objects.create(
        booking=booking,
        seeker=booking.seeker,
        attempt=attempt,
        off_session=off_session,
        amount_cents=booking.price_cents,
        currency=settings.CURRENCY,
        idempotency_key=f"booking-{booking.pk}-charge-{attempt}",
    )


def payment_charge_off_session(*, booking_id: int) -> Payment | None:
    """Charge an accepted booking with the seeker's saved card, off-session (after the supporter accepts).

    Safe to run twice: a booking that is no longer waiting for payment, or that has an attempt in
    flight or paid, is left alone. Stripe unreachable: the attempt stays pending and is retried with
    the same idempotency key (by the task's retry and the periodic sweep)."""
    from bookings.models import Booking

    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("seeker").get(pk=booking_id)
        payment = booking.payments.filter(off_session=True).order_by("-attempt").first()
        if booking.status != Booking.Status.PAYMENT_PENDING:
            if payment is not None and payment.status == Payment.Status.PENDING:
                # Never confirmed by Stripe and no longer wanted: stop retrying it. Had an earlier send
                # got through after all, its success is refunded when it reaches payment_record.
                _cancel_unsent(payment)
            return None
        if payment is None:
            payment = _new_attempt(booking, off_session=True)
        elif payment.status != Payment.Status.PENDING:
            return payment  # already sent: its result is recorded (or a webhook will record it)
        Payment.objects.filter(pk=payment.pk).update(sends=F("sends") + 1)
    card = seeker_card(seeker=booking.seeker)
    if card is None:
        return payment_record_failure(
            payment_id=payment.pk, message="There is no saved card for this booking."
        )
    intent = _send(payment, card=card)
    return payment_record(payment_id=payment.pk, intent=intent, card=card)


def _send(payment: Payment, *, card: StripeCustomer) -> gateway.Intent:
    """Create and confirm the attempt's PaymentIntent with its own idempotency key. A refusal (Stripe
    rejected the request: a deleted customer, a detached card) is a failed attempt with a message, so
    the booking moves on to the pay-now step instead of staying pending and being re-sent forever.
    GatewayUnavailable propagates: the attempt stays pending and is retried with the same key."""
    try:
        return gateway.payment_intent_create(
            amount=payment.amount_cents,
            customer_id=card.stripe_customer_id,
            payment_method_id=card.payment_method_id,
            off_session=payment.off_session,
            idempotency_key=payment.idempotency_key,
            metadata={"booking_id": str(payment.booking_id), "payment_id": str(payment.pk)},
        )
    except gateway.GatewayRefused as exc:
        logger.warning("stripe refused payment %s: %s", payment.pk, exc.message)
        message = "Your saved card couldn't be used for this payment. Please pay with another card."
        return gateway.Intent(None, "failed", None, payment.amount_cents, message, "", "", {})


def _cancel_unsent(payment: Payment) -> None:
    Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
        status=Payment.Status.CANCELED,
        failure_message="Not completed: the session no longer waits for payment.",
    )


def payment_pay_on_session(*, booking_id: int, seeker: SeekerProfile) -> tuple[Payment, gateway.Intent]:
    """The seeker pays a booking that is waiting for payment, with their saved card, on the pay page.

    Returns the attempt and the intent: "succeeded" (done), "requires_action" (the page runs 3-D Secure
    with confirmCardPayment and then calls payment_check), or a failure with a message to show."""
    from bookings.models import Booking

    card = seeker_card(seeker=seeker)
    if card is None:
        raise PaymentError("Please add a card first.", code="no_card")
    with transaction.atomic():
        booking = Booking.objects.select_for_update().filter(pk=booking_id, seeker=seeker).first()
        if booking is None:
            raise PaymentError("We couldn't find that session.", code="not_found")
        if booking.status == Booking.Status.CONFIRMED:
            raise PaymentError("This session is already paid.", code="paid")
        if booking.status != Booking.Status.PAYMENT_PENDING:
            raise PaymentError("This session can't be paid any more.", code="bad_state")
        in_flight = booking.payments.filter(status__in=[Payment.Status.PENDING, Payment.Status.PROCESSING])
        # The seeker's own earlier try that got no answer from Stripe is sent again with its own key,
        # so if it did reach Stripe after all, Stripe answers with that intent instead of charging again.
        # Any other attempt in flight (a double click, a second tab) is refused until it has its answer.
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
        if in_flight.exclude(pk=unanswered.pk if unanswered else None).exists():
            raise PaymentError("A payment for this session is already being processed. Please wait a moment.")
        payment = unanswered or _new_attempt(booking, off_session=False)
        Payment.objects.filter(pk=payment.pk).update(sends=F("sends") + 1)
    try:
        intent = _send(payment, card=card)
    except gateway.GatewayUnavailable:
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
            failure_message=UNANSWERED
        )
        raise
    return payment_record(payment_id=payment.pk, intent=intent, card=card), intent


def payment_check(*, payment_id: int, seeker: SeekerProfile) -> Payment:
    """After 3-D Secure in the browser: re-read the intent from Stripe and record what it says."""
    payment = Payment.objects.get(pk=payment_id, seeker=seeker)
    if not payment.stripe_payment_intent_id:
        return payment
    return payment_record(
        payment_id=payment.pk, intent=gateway.payment_intent_get(payment.stripe_payment_intent_id)
    )


STRIPE_TO_STATUS = {
    "succeeded": Payment.Status.SUCCEEDED,
    "processing": Payment.Status.PROCESSING,
    "requires_action": Payment.Status.REQUIRES_ACTION,
    "requires_confirmation": Payment.Status.REQUIRES_ACTION,
    "requires_payment_method": Payment.Status.FAILED,
    "canceled": Payment.Status.CANCELED,
    "failed": Payment.Status.FAILED,
}


def payment_record(*, payment_id: int, intent: gateway.Intent, card: StripeCustomer | None = None) -> Payment:
    """Record what Stripe says about an attempt, and move the booking. The one place a payment's status
    changes: the synchronous path, the pay page and webhooks all end here, in any order, any number of
    times. Final states win over transient ones; a success is never undone by a late failure event."""
    from bookings import services as booking_services
    from bookings.models import Booking

    booking_id = Payment.objects.values_list("booking_id", flat=True).get(pk=payment_id)
    with transaction.atomic():
        # Lock order everywhere: booking, then payment (booking transitions lock payments to refund them).
        Booking.objects.select_for_update().filter(pk=booking_id).first()
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        new_status = STRIPE_TO_STATUS.get(intent.status, Payment.Status.FAILED)
        if intent.id and not payment.stripe_payment_intent_id:
            payment.stripe_payment_intent_id = intent.id
        if card is not None and not payment.card_last4:
            payment.card_brand, payment.card_last4 = card.card_brand, card.card_last4
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
        if new_status == Payment.Status.SUCCEEDED:
            payment.succeeded_at = timezone.now()
            payment.failure_message = ""
            booking = Booking.objects.get(pk=booking_id)
            if booking.amount_paid_cents or booking.status != Booking.Status.PAYMENT_PENDING:
                # Paid twice, or after the booking was released or cancelled: give it back at once.
                payment.status = Payment.Status.DUPLICATE
                payment.save()
                reason = Refund.Reason.DUPLICATE if booking.amount_paid_cents else Refund.Reason.LATE_PAYMENT
                refund_reserve(payment=payment, amount_cents=payment.amount_cents, reason=reason)
                return payment
            payment.status = Payment.Status.SUCCEEDED
            payment.save()
            booking_services.booking_payment_succeeded(
                booking_id=booking_id, amount_cents=payment.amount_cents
            )
            return payment
        payment.status = new_status
        if new_status in (Payment.Status.FAILED, Payment.Status.REQUIRES_ACTION):
            payment.failure_message = intent.failure_message or (
                "Your bank wants to confirm this payment with you."
                if new_status == Payment.Status.REQUIRES_ACTION
                else "Your card was declined."
            )
        payment.save()
        if new_status in (Payment.Status.FAILED, Payment.Status.REQUIRES_ACTION) and payment.off_session:
            booking_services.booking_payment_failed(booking_id=payment.booking_id)
        return payment


def payment_record_failure(*, payment_id: int, message: str) -> Payment:
    return payment_record(
        payment_id=payment_id,
        intent=gateway.Intent(None, "failed", None, 0, message, "", "", {}),
    )


def payments_retry_pending(*, older_than: dt.timedelta = dt.timedelta(minutes=2)) -> int:
    """Periodic: off-session attempts still pending (Stripe was unreachable) are sent again with the
    same idempotency key; an on-session attempt left open is re-read from Stripe. An on-session attempt
    that never got an answer is not sent again behind the seeker's back (they were told nothing was
    charged): it is closed as failed, and if it did reach Stripe, Stripe's webhook records the truth.
    Returns how many attempts were dealt with."""
    cutoff = timezone.now() - older_than
    count = 0
    for payment in Payment.objects.filter(status=Payment.Status.PENDING, created_at__lte=cutoff):
        try:
            if payment.off_session:
                payment_charge_off_session(booking_id=payment.booking_id)
            elif payment.stripe_payment_intent_id:
                payment_record(
                    payment_id=payment.pk, intent=gateway.payment_intent_get(payment.stripe_payment_intent_id)
                )
            else:
                payment_record_failure(payment_id=payment.pk, message=UNANSWERED)
        except gateway.GatewayUnavailable:
            break
        except gateway.GatewayRefused as exc:
            logger.warning("retry of payment %s refused: %s", payment.pk, exc.message)
            continue
        count += 1
    return count


def payments_cancel_open(*, booking_id: int) -> None:
    """When a booking stops waiting for payment unpaid, cancel its open intents so none completes later.

    Each intent is re-read after the cancel and recorded as Stripe says: one that succeeded just before
    (the seeker finished 3-D Secure as the booking was released) can't be cancelled, and is refunded
    as a late payment rather than marked cancelled. Attempts never answered by Stripe are closed."""
    open_statuses = [Payment.Status.REQUIRES_ACTION, Payment.Status.FAILED, Payment.Status.PROCESSING]
    for payment in Payment.objects.filter(booking_id=booking_id, status__in=open_statuses).exclude(
        stripe_payment_intent_id=None
    ):
        try:
            gateway.payment_intent_cancel(payment.stripe_payment_intent_id)
            intent = gateway.payment_intent_get(payment.stripe_payment_intent_id)
        except gateway.GatewayUnavailable:
            logger.warning("could not cancel intent %s; a late success will be refunded", payment.pk)
            continue
        except gateway.GatewayRefused:
            logger.warning("stripe doesn't know intent of payment %s", payment.pk)
            continue
        payment_record(payment_id=payment.pk, intent=intent)
    for payment in Payment.objects.filter(
        booking_id=booking_id, status=Payment.Status.PENDING, stripe_payment_intent_id=None
    ):
        _cancel_unsent(payment)


# --- Refunds ---------------------------------------------------------------------------------------


def refund_reserve(*, payment: Payment, amount_cents: int, reason: str, note: str = "", by=None) -> Refund:
    """Write a refund and reserve its amount on the payment, in the caller's transaction; it is sent to
    Stripe after commit. Refuses more than what is left to refund (also a database check)."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if amount_cents <= 0 or amount_cents > payment.refundable_cents:
        raise PaymentError(
            f"At most {payment.refundable_cents / 100:.2f} can be refunded on this payment.",
            code="over_refund",
        )
    Payment.objects.filter(pk=payment.pk).update(refunded_cents=F("refunded_cents") + amount_cents)
    refund = Refund.objects.create(
        payment=payment,
        amount_cents=amount_cents,
        reason=reason,
        note=note[:300],
        created_by=by,
        idempotency_key=f"refund-{payment.pk}-{Refund.objects.filter(payment=payment).count() + 1}",
    )
    from .tasks import send_refund

    enqueue_on_commit(send_refund, refund.pk)  # the broker is down: retry_money sends it
    return refund


def refund_for_booking(*, booking, reason: str = Refund.Reason.POLICY) -> Refund | None:
    """The booking's outcome is a full refund: refund what its successful payment has left, once.
    Runs inside the booking's transition transaction."""
    payment = Payment.objects.filter(booking=booking, status=Payment.Status.SUCCEEDED).first()
    if payment is None or payment.refundable_cents == 0:
        return None
    existing = payment.refunds.exclude(reason=Refund.Reason.STAFF).first()
    if existing:
        return existing
    return refund_reserve(payment=payment, amount_cents=payment.refundable_cents, reason=reason)


def refund_send(*, refund_id: int) -> Refund:
    """Send one refund to Stripe (idempotency key ``refund-<payment>-<n>``). A failure leaves it to retry;
    after MAX_REFUND_ATTEMPTS it stays failed and is shown to staff."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund_id)
        if refund.status in (Refund.Status.SUCCEEDED, Refund.Status.CANCELED):
            return refund
        if refund.attempts >= MAX_REFUND_ATTEMPTS:
            return refund
        Refund.objects.filter(pk=refund.pk).update(attempts=F("attempts") + 1)
    try:
        if refund.stripe_refund_id:
            # Stripe already has it (it was still pending there): ask, never create a second one.
            stripe_id, status = refund.stripe_refund_id, gateway.refund_get(refund.stripe_refund_id)
        else:
            stripe_id, status = gateway.refund_create(
                payment_intent_id=refund.payment.stripe_payment_intent_id,
                amount=refund.amount_cents,
                idempotency_key=refund.idempotency_key,
                metadata={"refund_id": str(refund.pk), "booking_id": str(refund.payment.booking_id)},
            )
    except (gateway.GatewayUnavailable, gateway.GatewayRefused) as exc:
        Refund.objects.filter(pk=refund.pk, status__in=[Refund.Status.PENDING, Refund.Status.FAILED]).update(
            status=Refund.Status.FAILED, last_error=str(exc)[:300]
        )
        refund.refresh_from_db()
        return refund
    return refund_record(refund_id=refund.pk, stripe_refund_id=stripe_id, stripe_status=status)


def refund_record(*, refund_id: int, stripe_refund_id: str, stripe_status: str) -> Refund:
    """Record Stripe's word on a refund. A succeeded refund stays succeeded.

    Stripe's own final "failed" or "canceled" (a closed card account, say) can't be fixed by sending
    the same refund again: the refund is marked cancelled and its amount is released from the payment,
    so staff can see it and refund by hand (the staff refund stays within what was paid)."""
    payment_id = Refund.objects.values_list("payment_id", flat=True).get(pk=refund_id)
    with transaction.atomic():
        Payment.objects.select_for_update().filter(pk=payment_id).first()  # lock order: payment, then refund
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.stripe_refund_id is None:
            refund.stripe_refund_id = stripe_refund_id
        if refund.status not in (Refund.Status.SUCCEEDED, Refund.Status.CANCELED):
            if stripe_status == "succeeded":
                refund.status = Refund.Status.SUCCEEDED
                refund.succeeded_at = timezone.now()
                refund.last_error = ""
            elif stripe_status in ("failed", "canceled"):
                refund.status = Refund.Status.CANCELED
                refund.last_error = f"Stripe says {stripe_status}: refund this payment by hand"
                Payment.objects.filter(pk=payment_id).update(
                    refunded_cents=F("refunded_cents") - refund.amount_cents
                )
                logger.error("refund %s ended %s at Stripe; released for staff", refund.pk, stripe_status)
        refund.save()
        return refund


def refunds_retry_due(*, older_than: dt.timedelta = dt.timedelta(minutes=2)) -> int:
    """Periodic: send again refunds that failed, or are still pending a while after they were written
    (a fresh one is being sent by its own task right now), below the attempt limit. Returns how many
    succeeded."""
    count = 0
    cutoff = timezone.now() - older_than
    due = (
        Refund.objects.filter(attempts__lt=MAX_REFUND_ATTEMPTS)
        .filter(Q(status=Refund.Status.FAILED) | Q(status=Refund.Status.PENDING, created_at__lte=cutoff))
        .values_list("pk", flat=True)
    )
    for refund_id in list(due):
        if refund_send(refund_id=refund_id).status == Refund.Status.SUCCEEDED:
            count += 1
    return count


@transaction.atomic
def refund_by_staff(*, payment_id: int, amount_cents: int, staff, note: str = "") -> Refund:
    """A staff refund (full or partial), within what is left to refund; sent after commit."""
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status not in (Payment.Status.SUCCEEDED, Payment.Status.DUPLICATE):
        raise PaymentError("Only a completed payment can be refunded.", code="not_paid")
    return refund_reserve(
        payment=payment, amount_cents=amount_cents, reason=Refund.Reason.STAFF, note=note, by=staff
    )


# --- Webhooks --------------------------------------------------------------------------------------

HANDLED = {
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "charge.refunded",
    "charge.dispute.created",
}


def webhook_receive(*, payload: bytes, signature: str) -> WebhookEvent:
    """Verify and store an event once by its id; process it (once). Raises gateway.BadSignature."""
    event = gateway.webhook_event(payload, signature)
    stored, _created = WebhookEvent.objects.get_or_create(
        stripe_event_id=event["id"], defaults={"type": event["type"], "payload": event}
    )
    webhook_process(event_id=stored.pk)
    return stored


def webhook_process(*, event_id: int) -> WebhookEvent:
    """Process a stored event once: re-read its object from Stripe and reconcile. The event row is locked
    while its effect is recorded, so five concurrent deliveries have one effect. Stripe unreachable: the
    event stays unprocessed with the error noted (outside the rolled-back transaction) and the caller
    raises, so Stripe delivers it again. Stripe refusing the read (it doesn't know the object) won't
    change on retry: the event is marked processed with the error, for staff."""
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.select_for_update().get(pk=event_id)
            if event.processed_at:
                return event
            obj = (event.payload.get("data") or {}).get("object") or {}
            event.error = ""
            try:
                _webhook_apply(event.type, obj)
            except gateway.GatewayRefused as exc:
                logger.warning(
                    "stripe webhook %s: stripe refused the re-read: %s", event.stripe_event_id, exc
                )
                event.error = str(exc)[:300]
            event.processed_at = timezone.now()
            event.save(update_fields=["processed_at", "error"])
            return event
    except gateway.GatewayUnavailable as exc:
        WebhookEvent.objects.filter(pk=event_id, processed_at=None).update(error=str(exc)[:300])
        raise


def _webhook_apply(event_type: str, obj: dict) -> None:
    if event_type not in HANDLED:
        logger.info("stripe webhook %s acknowledged and ignored", event_type)
        return
    if event_type.startswith("payment_intent."):
        if not obj.get("id"):
            logger.warning("stripe webhook %s without an object id", event_type)
            return
        # The payload may be stale (events arrive late and out of order): only Stripe's answer now counts.
        intent = gateway.payment_intent_get(obj["id"])
        payment = Payment.objects.filter(stripe_payment_intent_id=intent.id).first()
        if payment is None:
            # Our record of the send was lost: the intent carries our attempt's id.
            payment_id = str(intent.metadata.get("payment_id", ""))
            payment = (
                Payment.objects.filter(pk=payment_id).first()
                if re.fullmatch(r"[0-9]{1,18}", payment_id)
                else None
            )
            if payment is not None and payment.stripe_payment_intent_id:
                logger.error(
                    "stripe intent %s names payment %s, which has intent %s",
                    intent.id,
                    payment.pk,
                    payment.stripe_payment_intent_id,
                )
                return
        if payment is None and intent.metadata.get("gift_id"):
            if event_type == "payment_intent.succeeded":
                from giftcards.services import gift_payment_succeeded  # a gift purchase: issue it once

                gift_payment_succeeded(payment_intent_id=intent.id)
            return
        if payment is None:
            logger.info("stripe webhook for a payment intent we don't know: %s", intent.id)
            return
        payment_record(payment_id=payment.pk, intent=intent)
    elif event_type == "charge.refunded":
        intent_id, refunds = gateway.refunds_of_charge(obj["id"])
        for stripe_id, status, _amount, metadata in refunds:
            refund = Refund.objects.filter(stripe_refund_id=stripe_id).first()
            if refund is None and metadata.get("refund_id"):
                refund = Refund.objects.filter(pk=metadata["refund_id"]).first()
            if refund is not None:
                refund_record(refund_id=refund.pk, stripe_refund_id=stripe_id, stripe_status=status)
    elif event_type == "charge.dispute.created":
        intent_id = None
        if obj.get("charge"):
            try:
                intent_id = gateway.charge_payment_intent(obj["charge"])
            except gateway.GatewayRefused:
                logger.warning("stripe doesn't know the disputed charge %s", obj["charge"])
        intent_id = intent_id or obj.get("payment_intent")
        payment = Payment.objects.filter(stripe_payment_intent_id=intent_id).first() if intent_id else None
        if payment is not None and payment.disputed_at is None:
            Payment.objects.filter(pk=payment.pk).update(disputed_at=timezone.now())
        from . import emails

        emails.email_dispute_alert(
            payment=payment, dispute_id=obj.get("id", ""), charge_id=obj.get("charge", "")
        )
