"""Money back: refunds reserved against what a payment took, sent to Stripe after commit, retried.

Every refund's idempotency key is ``refund-<payment>-<n>``; the amount is reserved on the payment
(``refunded_cents``, capped by a database check) when the row is written, so refunds never add up past
what was paid; the rules refund a payment at most once (a partial unique constraint), staff may add
partial refunds beside it. Lock order: the payable, then the payment, then the refund."""

import datetime as dt

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from peersnet.kernel import events

from .. import gateway
from ..events import PaymentRefunded
from ..models import Payable, Payment, Refund
from .common import MAX_REFUND_ATTEMPTS, PaymentError, logger, queue_after_commit


def refund_reserve(
    *, payment: Payment, amount_cents: int, reason: str, note: str = "", by: User | None = None
) -> Refund:
    """Write a refund and reserve its amount on the payment, in the caller's transaction; it is sent to
    Stripe after commit. Refuses more than what is left to refund (also a database check)."""
    Payable.objects.select_for_update().filter(pk=payment.payable_id).values_list("pk", flat=True).first()
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
    from ..tasks import send_refund  # tasks import these services: the task module loads after them

    queue_after_commit(send_refund, refund.pk)
    return refund


def refund_full(
    *, payable_id: int, reason: str = Refund.Reason.POLICY, note: str = "", by: User | None = None
) -> Refund | None:
    """The owner's decided outcome is a full refund: refund what the payable's successful payment has
    left, once (a repeat returns the same refund). None when nothing was paid. Runs inside the owner's
    transaction (sent after commit); locks the payable, then the payment."""
    Payable.objects.select_for_update().filter(pk=payable_id).values_list("pk", flat=True).first()
    payment = Payment.objects.filter(payable_id=payable_id, status=Payment.Status.SUCCEEDED).first()
    if payment is None:
        return None
    existing = payment.refunds.exclude(reason=Refund.Reason.STAFF).first()
    if existing:
        return existing
    if payment.refundable_cents == 0:
        return None
    return refund_reserve(
        payment=payment, amount_cents=payment.refundable_cents, reason=reason, note=note, by=by
    )


def refund_send(*, refund_id: int) -> Refund:
    """Send one refund to Stripe (idempotency key ``refund-<payment>-<n>``). A failure leaves it to retry;
    after MAX_REFUND_ATTEMPTS it stays failed and is shown to staff."""
    with transaction.atomic():
        # Only the refund row: the payable and payment are locked in that order where they are changed.
        refund = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("payment__payable")
            .get(pk=refund_id)
        )
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
                metadata={"refund_id": str(refund.pk), "payable": refund.payment.payable.key_prefix},
            )
    except (gateway.GatewayUnavailable, gateway.GatewayRefused) as exc:
        Refund.objects.filter(pk=refund.pk, status__in=[Refund.Status.PENDING, Refund.Status.FAILED]).update(
            status=Refund.Status.FAILED, last_error=str(exc)[:300]
        )
        refund.refresh_from_db()
        return refund
    return refund_record(refund_id=refund.pk, stripe_refund_id=stripe_id, stripe_status=status)


def refund_record(*, refund_id: int, stripe_refund_id: str, stripe_status: str) -> Refund:
    """Record Stripe's word on a refund. A succeeded refund stays succeeded; its first success announces
    PaymentRefunded (handlers run in this transaction, payable, payment and refund locked).

    Stripe's own final "failed" or "canceled" (a closed card account, say) can't be fixed by sending
    the same refund again: the refund is marked cancelled and its amount is released from the payment,
    so staff can see it and refund by hand (the staff refund stays within what was paid)."""
    payment_id = Refund.objects.values_list("payment_id", flat=True).get(pk=refund_id)
    with transaction.atomic():
        payment = Payment.objects.select_related("payable").get(pk=payment_id)
        Payable.objects.select_for_update().filter(pk=payment.payable_id).values_list("pk", flat=True).first()
        Payment.objects.select_for_update().filter(pk=payment_id).first()  # lock order: payment, then refund
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.stripe_refund_id not in (None, stripe_refund_id):
            # Another Stripe refund than the one this row holds: it never speaks for this row.
            logger.error(
                "refund %s holds %s; refused to record %s on it",
                refund.pk,
                refund.stripe_refund_id,
                stripe_refund_id,
            )
            return refund
        if refund.stripe_refund_id is None:
            refund.stripe_refund_id = stripe_refund_id
        succeeded_now = False
        if refund.status not in (Refund.Status.SUCCEEDED, Refund.Status.CANCELED):
            if stripe_status == "succeeded":
                refund.status = Refund.Status.SUCCEEDED
                refund.succeeded_at = timezone.now()
                refund.last_error = ""
                succeeded_now = True
            elif stripe_status in ("failed", "canceled"):
                refund.status = Refund.Status.CANCELED
                refund.last_error = f"Stripe says {stripe_status}: refund this payment by hand"
                Payment.objects.filter(pk=payment_id).update(
                    refunded_cents=F("refunded_cents") - refund.amount_cents
                )
                logger.error("refund %s ended %s at Stripe; released for staff", refund.pk, stripe_status)
        refund.save()
        if succeeded_now:
            events.announce(
                PaymentRefunded(
                    payable_id=payment.payable_id,
                    purpose=payment.payable.purpose,
                    payment_id=payment_id,
                    refund_id=refund.pk,
                    amount_cents=refund.amount_cents,
                    reason=refund.reason,
                )
            )
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
def refund_by_staff(*, payment_id: int, amount_cents: int, staff: User, note: str = "") -> Refund:
    """A staff refund (full or partial), within what is left to refund; sent after commit."""
    payment = Payment.objects.get(pk=payment_id)
    Payable.objects.select_for_update().filter(pk=payment.payable_id).values_list("pk", flat=True).first()
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status not in (Payment.Status.SUCCEEDED, Payment.Status.DUPLICATE):
        raise PaymentError("Only a completed payment can be refunded.", code="not_paid")
    return refund_reserve(
        payment=payment, amount_cents=amount_cents, reason=Refund.Reason.STAFF, note=note, by=staff
    )
