"""Stripe's webhooks: verified, stored once by event id, processed once, safe to receive twice or out of
order. Payloads are never trusted: each handler re-reads its object from Stripe and reconciles through
the same services as every other path (payment_record, refund_record).

Processing follows the house rule (no Stripe call while holding a lock): an event is first *claimed*
with one conditional UPDATE (``claimed_at``), committed at once; only the claimer re-reads from Stripe,
with no lock held, and the services it calls take their own row locks briefly. Of five concurrent
deliveries of one event, one claims it and four return. A claim whose worker died is taken over by
``webhooks_process_stuck`` (the periodic money retry) once it is CLAIM_STALE_AFTER old.
"""

import datetime as dt
import re
from collections.abc import Callable

from django.utils import timezone

from peersnet.kernel import events
from peersnet.kernel.ids import parse_id

from .. import emails, gateway
from ..events import PaymentDisputed
from ..models import Payment, Refund, WebhookEvent
from .charges import payment_record, payment_record_stray, stray_key
from .common import logger
from .refunds import refund_record

CLAIM_STALE_AFTER = dt.timedelta(minutes=5)


def webhook_receive(*, payload: bytes, signature: str) -> WebhookEvent:
    """Verify and store an event once by its id; process it (once). Raises gateway.BadSignature, and
    GatewayUnavailable when Stripe can't be asked now (the view answers 503 so Stripe delivers again)."""
    event = gateway.webhook_event(payload, signature)
    stored, _created = WebhookEvent.objects.get_or_create(
        stripe_event_id=event["id"], defaults={"type": event["type"], "payload": event}
    )
    return webhook_process(event_id=stored.pk)


def _claim(event_id: int, now: dt.datetime) -> bool:
    """Take the event for processing, unless it is done or someone took it recently (autocommit)."""
    return bool(
        WebhookEvent.objects.filter(pk=event_id, processed_at=None)
        .exclude(claimed_at__gt=now - CLAIM_STALE_AFTER)
        .update(claimed_at=now)
    )


def webhook_process(*, event_id: int) -> WebhookEvent:
    """Process a stored event once: claim it, re-read its object from Stripe and reconcile, mark it done.

    Stripe unreachable: the claim is released with the error noted and GatewayUnavailable propagates, so
    Stripe delivers it again (and the sweep retries it). Stripe refusing the read (it doesn't know the
    object) won't change on retry: the event is marked processed with the error, for staff. Any other
    error releases the claim and propagates."""
    now = timezone.now()
    if not _claim(event_id, now):
        return WebhookEvent.objects.get(pk=event_id)
    event = WebhookEvent.objects.get(pk=event_id)
    obj = (event.payload.get("data") or {}).get("object") or {}
    error = ""
    try:
        handler = HANDLERS.get(event.type)
        if handler is None:
            logger.info("stripe webhook %s acknowledged and ignored", event.type)
        else:
            handler(obj)
    except gateway.GatewayRefused as exc:
        logger.warning("stripe webhook %s: stripe refused the re-read: %s", event.stripe_event_id, exc)
        error = str(exc)[:300]
    except gateway.GatewayUnavailable as exc:
        WebhookEvent.objects.filter(pk=event_id, processed_at=None).update(
            claimed_at=None, error=str(exc)[:300]
        )
        raise
    except Exception:
        WebhookEvent.objects.filter(pk=event_id, processed_at=None).update(claimed_at=None)
        raise
    WebhookEvent.objects.filter(pk=event_id).update(processed_at=timezone.now(), claimed_at=None, error=error)
    event.refresh_from_db()
    return event


def webhooks_process_stuck(*, older_than: dt.timedelta = CLAIM_STALE_AFTER) -> int:
    """Periodic: process events still unprocessed a while after they arrived (Stripe was unreachable, or
    the worker that claimed one died). Returns how many are now processed."""
    cutoff = timezone.now() - older_than
    due = WebhookEvent.objects.filter(processed_at=None, received_at__lte=cutoff).values_list("pk", flat=True)
    count = 0
    for event_id in list(due):
        try:
            if webhook_process(event_id=event_id).processed_at:
                count += 1
        except gateway.GatewayUnavailable:
            break
    return count


# --- One handler per event type ------------------------------------------------------------------------


def _numeric(value) -> str | None:
    """An id named in Stripe metadata, through the one range-checked parser, as text to compare."""
    parsed = parse_id(str(value or ""))
    return str(parsed) if parsed else None


def _on_payment_intent(obj: dict) -> None:
    """payment_intent.succeeded / payment_failed: the payload may be stale (events arrive late and out of
    order): only Stripe's answer now counts.

    Matched on the intent id we stored on the attempt. The metadata (``payment_id``, ``payable``) is only
    a fallback for an attempt whose id we haven't stored yet (its sender died after Stripe answered), and
    then it must name the attempt's own payable; that match is logged. An intent whose metadata names
    another attempt than the one holding its id, or an attempt that holds another intent, is refused and
    logged; if such an intent of ours took money, payment_record_stray refunds it and alerts staff.
    Intents sent for gifts before the ledger carried the gift and attempt number instead: those name the
    attempt's idempotency key, which the ledger kept."""
    if not obj.get("id"):
        logger.warning("stripe webhook for a payment intent without an id")
        return
    intent = gateway.payment_intent_get(obj["id"])
    named_id = _numeric(intent.metadata.get("payment_id"))
    payment = Payment.objects.filter(stripe_payment_intent_id=intent.id).first()
    if payment is not None:
        named = Payment.objects.filter(pk=named_id).first() if named_id else None
        if named_id is not None and named_id != str(payment.pk) and not _stray_of(payment, named):
            logger.error(
                "stripe intent %s is stored on payment %s but its metadata names payment %s: refused",
                intent.id,
                payment.pk,
                named_id,
            )
            return
        payment_record(payment_id=payment.pk, intent=intent)
        return
    legacy_gift, legacy_attempt = _numeric(intent.metadata.get("gift_id")), intent.metadata.get("attempt")
    if legacy_gift and re.fullmatch(r"[0-9]{1,5}", str(legacy_attempt or "")):
        payment = Payment.objects.filter(
            idempotency_key=f"gift-{legacy_gift}-charge-{legacy_attempt}", stripe_payment_intent_id=None
        ).first()
        if payment is not None:
            logger.warning(
                "stripe intent %s matched payment %s by its legacy metadata", intent.id, payment.pk
            )
            payment_record(payment_id=payment.pk, intent=intent)
            return
    named = Payment.objects.select_related("payable").filter(pk=named_id).first() if named_id else None
    if named is None:
        logger.info("stripe webhook for a payment intent we don't know: %s", intent.id)
        return
    if intent.metadata.get("payable") != named.payable.key_prefix:
        logger.error(
            "stripe intent %s names payment %s of %s, not of %s: refused",
            intent.id,
            named.pk,
            named.payable.key_prefix,
            intent.metadata.get("payable"),
        )
        return
    if named.stripe_payment_intent_id:
        logger.error(
            "stripe intent %s names payment %s, which holds intent %s: refused for it",
            intent.id,
            named.pk,
            named.stripe_payment_intent_id,
        )
        payment_record_stray(payment_id=named.pk, intent=intent)
        return
    logger.warning(
        "stripe intent %s matched payment %s by metadata: its id was not stored yet", intent.id, named.pk
    )
    payment_record(payment_id=named.pk, intent=intent)


def _stray_of(payment: Payment, named: Payment | None) -> bool:
    """The attempt was recorded for a stray intent of ``named`` (its metadata names ``named`` rightly)."""
    return named is not None and payment.idempotency_key == stray_key(named, attempt=payment.attempt)


def _on_charge_refunded(obj: dict) -> None:
    """charge.refunded: every refund of the charge, as Stripe lists them now. Matched on the refund id we
    stored; the metadata's ``refund_id`` is only a fallback for a refund whose id we haven't stored yet
    (logged), and only for a refund of this charge's payment. A mismatch is refused and logged."""
    intent_id, refunds = gateway.refunds_of_charge(obj["id"])
    for stripe_id, status, _amount, metadata in refunds:
        named_id = _numeric(metadata.get("refund_id"))
        refund = Refund.objects.filter(stripe_refund_id=stripe_id).first()
        if refund is not None and named_id is not None and named_id != str(refund.pk):
            logger.error(
                "stripe refund %s is stored on refund %s but its metadata names refund %s: refused",
                stripe_id,
                refund.pk,
                named_id,
            )
            continue
        if refund is None and named_id is not None:
            refund = Refund.objects.select_related("payment").filter(pk=named_id).first()
            if refund is None:
                continue
            if refund.stripe_refund_id or refund.payment.stripe_payment_intent_id != intent_id:
                logger.error(
                    "stripe refund %s of intent %s names refund %s (stripe %s, intent %s): refused",
                    stripe_id,
                    intent_id,
                    refund.pk,
                    refund.stripe_refund_id,
                    refund.payment.stripe_payment_intent_id,
                )
                continue
            logger.warning(
                "stripe refund %s matched refund %s by metadata: its id was not stored yet",
                stripe_id,
                refund.pk,
            )
        if refund is not None:
            refund_record(refund_id=refund.pk, stripe_refund_id=stripe_id, stripe_status=status)


def _on_dispute(obj: dict) -> None:
    """charge.dispute.created: note the dispute on the payment, announce it, and alert staff at once."""
    intent_id = None
    if obj.get("charge"):
        try:
            intent_id = gateway.charge_payment_intent(obj["charge"])
        except gateway.GatewayRefused:
            logger.warning("stripe doesn't know the disputed charge %s", obj["charge"])
    intent_id = intent_id or obj.get("payment_intent")
    payment = (
        Payment.objects.select_related("payable").filter(stripe_payment_intent_id=intent_id).first()
        if intent_id
        else None
    )
    newly_disputed = payment is not None and bool(
        Payment.objects.filter(pk=payment.pk, disputed_at=None).update(disputed_at=timezone.now())
    )
    if newly_disputed:
        events.announce(
            PaymentDisputed(
                payable_id=payment.payable_id, purpose=payment.payable.purpose, payment_id=payment.pk
            )
        )
    emails.email_dispute_alert(payment=payment, dispute_id=obj.get("id", ""), charge_id=obj.get("charge", ""))


HANDLERS: dict[str, Callable[[dict], None]] = {
    "payment_intent.succeeded": _on_payment_intent,
    "payment_intent.payment_failed": _on_payment_intent,
    "charge.refunded": _on_charge_refunded,
    "charge.dispute.created": _on_dispute,
}
