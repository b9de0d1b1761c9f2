"""A payable's life as its owner sees it: made (named after the owner's row), charged after the owner's
commit, closed when no longer wanted unpaid (its open intents cancelled on Stripe)."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from seekers.models import SeekerProfile

from .. import gateway
from ..models import Payable, Payment
from .charges import OPEN_ON_STRIPE, cancel_and_read, cancel_unsent, payment_record
from .common import logger, queue_after_commit


def payable_create(
    *,
    purpose: str,
    reference: int | str,
    amount_cents: int,
    seeker: SeekerProfile | None = None,
    payer_name: str = "",
    payer_email: str = "",
) -> Payable:
    """Something to be paid, named ``<purpose>-<reference>`` (the owner's row: ``booking-12``). Returns
    the existing payable of that name when there is one (safe to repeat). Call inside the owner's
    transaction, with the owner's row locked; the owner keeps the returned payable on its row.

    Under that lock no other transaction can be making the same name, so this is a read and an insert,
    without the savepoint ``get_or_create`` would add to catch an insert race."""
    key_prefix = f"{purpose}-{reference}"
    payable = Payable.objects.filter(key_prefix=key_prefix).first()
    if payable is None:
        payable = Payable.objects.create(
            key_prefix=key_prefix,
            purpose=purpose,
            amount_cents=amount_cents,
            currency=settings.CURRENCY,
            seeker=seeker,
            payer_name=payer_name[:120],
            payer_email=payer_email,
        )
    return payable


def payable_close_after_commit(*, payable_id: int) -> None:
    """Once the caller's transaction commits, close the payable (see payable_close) in a task."""
    from ..tasks import close_payable  # tasks import these services: the task module loads after them

    queue_after_commit(close_payable, payable_id)


def payable_close(*, payable_id: int) -> Payable:
    """The owner no longer wants an open payable paid (a session released or cancelled unpaid). Closes it
    (a later success is refunded as a late payment), stops unsent attempts, then cancels the open intents
    on Stripe so none completes later. Call outside any transaction (it talks to Stripe): owners queue it
    after their commit. Safe to repeat; a paid payable is left alone."""
    with transaction.atomic():
        payable = Payable.objects.select_for_update().get(pk=payable_id)
        if payable.status == Payable.Status.OPEN:
            payable.status, payable.closed_at = Payable.Status.CLOSED, timezone.now()
            payable.save(update_fields=["status", "closed_at", "updated_at"])
    if payable.status == Payable.Status.CLOSED:
        try:
            payments_cancel_open(payable_id=payable_id)
        except gateway.GatewayUnavailable:
            logger.warning(
                "could not cancel open intents of payable %s; a late success is refunded", payable_id
            )
    return payable


def payments_cancel_open(*, payable_id: int) -> None:
    """Cancel the open intents of a payable so none completes later.

    Each intent is re-read after the cancel and recorded as Stripe says: one that succeeded just before
    (the payer finished 3-D Secure as the session was released) can't be cancelled, and is refunded
    as a late payment rather than marked cancelled. Attempts never answered by Stripe are closed."""
    for payment in Payment.objects.filter(payable_id=payable_id, status__in=OPEN_ON_STRIPE).exclude(
        stripe_payment_intent_id=None
    ):
        intent = cancel_and_read(payment)
        if intent is not None:
            payment_record(payment_id=payment.pk, intent=intent)
    for payment in Payment.objects.filter(
        payable_id=payable_id, status=Payment.Status.PENDING, stripe_payment_intent_id=None
    ):
        cancel_unsent(payment)
