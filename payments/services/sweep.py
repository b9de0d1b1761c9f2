"""Off-session charges: the "charge wanted" an owner writes (a supporter accepted), its send under a
lease, and the money sweep that sends (or closes) attempts left pending. See ``charges`` for the rules
every attempt follows (no Stripe call inside a transaction, one idempotency key per attempt, lock order).
"""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import gateway
from ..models import Payable, Payment
from .cards import saved_charge_card
from .charges import _new_attempt, _send, cancel_unsent, payment_record, payment_record_failure
from .common import CHARGE_LEASE, UNANSWERED, lease_holder, logger, queue_after_commit


def payment_charge_wanted(*, payable_id: int) -> Payment | None:
    """The owner wants the open payable charged off-session with its seeker's saved card (a supporter
    accepted): write that wish as a pending off-session attempt in the caller's transaction ("charge
    wanted", nothing sent yet), and queue the charge after commit. If the task is lost (the broker is down,
    or restarts empty, or its worker dies) the money sweep still sends the attempt: a charge can't vanish.
    Locks the payable: call in the transaction that made it (payable_create), under the owner's row lock;
    nobody else can see the new payable yet, so this can't cross the usual order (payable, then owner).
    Safe to repeat: an existing off-session attempt is returned as it is."""
    from ..tasks import charge_off_session  # tasks import these services: the task module loads after them

    payable = Payable.objects.select_for_update().get(pk=payable_id)
    if payable.status != Payable.Status.OPEN or payable.seeker_id is None:
        return None
    attempts = list(payable.payments.order_by("-attempt"))  # one read: the off-session one, the last number
    payment = next((p for p in attempts if p.off_session), None)
    if payment is None:
        payment = _new_attempt(payable, off_session=True, last=attempts[0] if attempts else None)
    queue_after_commit(charge_off_session, payable.pk)
    return payment


def payment_charge_off_session(*, payable_id: int) -> Payment | None:
    """Send a payable's off-session charge (its "charge wanted" attempt, see payment_charge_wanted) with
    its seeker's saved card.

    Safe to run twice and at the same time (the task, the sweep, a second sweep): under the payable's
    lock the sender takes a lease on the pending attempt, committed before the Stripe call, and anyone
    finding a live lease leaves the attempt alone. A payable that is no longer open, or whose attempt was
    already answered, is left alone. Stripe unreachable: the lease is given back and the attempt stays
    pending, retried with the same idempotency key (by the task's retry and the periodic sweep).

    A sender that died after Stripe charged and before the answer was recorded leaves its lease to run
    out; the attempt is then sent again with the same idempotency key, so Stripe answers with the intent
    it already made. Where the key doesn't hold (localstripe ignores keys; Stripe forgets them after a
    day) a second intent is made: its webhook names this attempt, which holds the other intent, and
    payment_record_stray refunds it as paid twice and alerts staff."""
    return _charge_off_session(payable_id)[0]


def _charge_off_session(payable_id: int) -> tuple[Payment | None, bool]:
    """payment_charge_off_session, and whether this call sent the charge (for the sweep's count)."""
    now = timezone.now()
    holder = lease_holder()
    with transaction.atomic():
        payable = Payable.objects.select_for_update(of=("self",)).select_related("seeker").get(pk=payable_id)
        payment = payable.payments.filter(off_session=True).order_by("-attempt").first()
        if payable.status != Payable.Status.OPEN or payable.seeker is None:
            if payment is not None and payment.status == Payment.Status.PENDING:
                # Never confirmed by Stripe and no longer wanted: stop retrying it. Had an earlier send
                # got through after all, its success is refunded when it reaches payment_record.
                cancel_unsent(payment)
            return None, False
        if payment is None:
            payment = _new_attempt(payable, off_session=True)
        elif payment.status != Payment.Status.PENDING:
            return payment, False  # already sent: its result is recorded (or a webhook will record it)
        elif payment.lease_until is not None and payment.lease_until > now:
            logger.info("payment %s is being sent by %s; left to it", payment.pk, payment.leased_by)
            return payment, False
        sent_before = payment.sends > 0
        card = saved_charge_card(seeker=payable.seeker)
        lease = {"sends": F("sends") + 1, "lease_until": now + CHARGE_LEASE, "leased_by": holder}
        if card is not None:
            lease["payment_method_id"] = card.payment_method_id
        Payment.objects.filter(pk=payment.pk).update(**lease)
    if card is None:
        failed = payment_record_failure(
            payment_id=payment.pk, message="There is no saved card for this booking."
        )
        return failed, True
    if sent_before:
        logger.warning(
            "payment %s: sent again (send %s) with key %s",
            payment.pk,
            payment.sends + 1,
            payment.idempotency_key,
        )
    try:
        intent = _send(payment, card=card)
    except gateway.GatewayUnavailable:
        Payment.objects.filter(pk=payment.pk, leased_by=holder).update(lease_until=None, leased_by="")
        raise
    return payment_record(payment_id=payment.pk, intent=intent, card=card, payable_id=payable.pk), True


def payments_retry_pending(*, older_than: dt.timedelta = dt.timedelta(minutes=2)) -> int:
    """Periodic (retry_money): every off-session attempt still pending a while after it was written is
    sent: a "charge wanted" whose task was lost (never sent), or one Stripe didn't answer (sent again with
    the same idempotency key). Attempts leased by a live sender are skipped (and re-checked under lock by
    payment_charge_off_session, so two sweeps at once send each charge once). An on-session attempt left
    open is re-read from Stripe; one that never got an answer is not sent again behind the payer's back
    (they were told nothing was charged): it is closed as failed, and if it did reach Stripe, Stripe's
    webhook records the truth. Returns how many attempts were dealt with."""
    now = timezone.now()
    cutoff = now - older_than
    count = 0
    due = (
        Payment.objects.filter(status=Payment.Status.PENDING, created_at__lte=cutoff)
        .exclude(lease_until__gt=now)
        .order_by("created_at")
    )
    for payment in due:
        try:
            if payment.off_session:
                if not _charge_off_session(payment.payable_id)[1]:
                    continue  # another sender sent it or holds it (a live lease), or it isn't wanted now
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
