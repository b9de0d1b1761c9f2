"""Buying a gift through the payments ledger: the gift is created with its payable, paid with the card
the buyer confirms on the pay page (the same attempts, keys, retries and duplicate rule as a session's
fee), issued exactly once when payments announces PaymentSucceeded, and refunded by staff before it is
claimed (a refund of the ledger, sent and retried by payments).

The payment is believed only when Stripe says so when asked (never the browser, never a webhook
payload): that is payments' job; this module reads its outcome.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.timezones import is_valid_timezone, zone
from payments import gateway
from payments import services as payments
from payments.events import PaymentSucceeded
from payments.models import Payment, Refund

from .. import emails
from ..models import MAX_SESSIONS, MESSAGE_MAX_LENGTH, MIN_SESSIONS, Gift, SessionCredit, SessionCreditEvent
from ..selectors import gift_price_cents
from .common import CStatus, GiftError, Status, mail_after_commit, today_in

DELIVERY_HOUR = 9  # a gift with a date arrives at 9 in the morning, in the buyer's zone
MAX_DELIVERY_AHEAD = dt.timedelta(days=366)


@transaction.atomic
def gift_create(
    *,
    buyer_name: str,
    buyer_email: str,
    recipient_name: str,
    recipient_email: str,
    message: str,
    sessions: int,
    delivery_date: dt.date | None,
    buyer_time_zone: str,
    now: dt.datetime | None = None,
) -> Gift:
    """A gift waiting for payment, priced here (never from the browser). Refuses what the form refuses,
    so no other caller can make a gift the buy page couldn't."""
    now = now or timezone.now()
    if not (MIN_SESSIONS <= sessions <= MAX_SESSIONS):
        raise GiftError(f"Choose between {MIN_SESSIONS} and {MAX_SESSIONS} sessions.", code="sessions")
    if len(message) > MESSAGE_MAX_LENGTH:
        raise GiftError("Please keep the message to 1,000 characters or fewer.", code="message")
    for email in (buyer_email, recipient_email):
        try:
            validate_email(email)
        except ValidationError:
            raise GiftError("Please check the email addresses.", code="email") from None
    # Names go into email subjects and greetings: one line, single spaces.
    buyer_name, recipient_name = " ".join(buyer_name.split())[:120], " ".join(recipient_name.split())[:120]
    if not buyer_name or not recipient_name:
        raise GiftError("Please give both names.", code="names")
    time_zone = buyer_time_zone if is_valid_timezone(buyer_time_zone) else settings.DEFAULT_USER_TIME_ZONE
    today = today_in(time_zone, now)
    if delivery_date is not None and delivery_date < today:
        raise GiftError("Choose today or a later date for delivery.", code="past")
    if delivery_date is not None and delivery_date > today + MAX_DELIVERY_AHEAD:
        raise GiftError("Choose a delivery date within the next year.", code="too_far")
    gift = Gift.objects.create(
        buyer_name=buyer_name,
        buyer_email=buyer_email,
        buyer_time_zone=time_zone,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        message=message,
        sessions=sessions,
        amount_cents=gift_price_cents(sessions=sessions),
        currency=settings.CURRENCY,
        delivery_date=delivery_date,
    )
    gift.payable = payments.payable_create(
        purpose=Gift.PAYABLE_PURPOSE,
        reference=gift.pk,
        amount_cents=gift.amount_cents,
        payer_name=buyer_name,
        payer_email=buyer_email,
    )
    gift.save(update_fields=["payable"])
    return gift


def gift_checkout_start(*, gift_id: int) -> str:
    """Prepare the card element for an unpaid gift: the buyer's Stripe customer for this gift (created
    once, key ``gift-<id>-customer``) and a fresh SetupIntent. Returns the SetupIntent's client secret.
    Raises GiftError when the gift is no longer waiting for payment; gateway errors propagate."""
    gift = Gift.objects.get(pk=gift_id)
    if gift.status != Status.PENDING_PAYMENT:
        raise GiftError("This gift is already paid.", code="paid")
    try:
        return payments.payable_checkout_start(payable_id=gift.payable_id)
    except payments.PaymentError:
        raise GiftError("This gift is already paid.", code="paid") from None


@dataclass(frozen=True)
class PayResult:
    """``paid``; ``requires_action`` (run 3-D Secure with ``client_secret``, then check); ``failed``."""

    gift: Gift
    status: str
    client_secret: str = ""
    message: str = ""


def _paid(gift_id: int) -> PayResult:
    return PayResult(Gift.objects.get(pk=gift_id), "paid")


def gift_pay(*, gift_id: int, setup_intent_id: str) -> PayResult:
    """Charge the card the buyer just saved (a succeeded SetupIntent of the gift's customer) for the gift's
    amount, on-session, as a new attempt of the gift's payable (key ``gift-<id>-charge-<attempt>``). One
    attempt at a time; an earlier attempt still waiting for 3-D Secure is cancelled first, so two can't
    both pay (one that paid anyway is a duplicate, refunded by payments). The gift is issued (once) by
    the PaymentSucceeded handler. GatewayUnavailable propagates: nothing is issued, and if the charge did
    reach Stripe its webhook issues the gift."""
    gift = Gift.objects.get(pk=gift_id)
    if gift.status != Status.PENDING_PAYMENT:
        return _paid(gift.pk)
    try:
        payment, intent = payments.payment_pay_with_setup(
            payable_id=gift.payable_id, setup_intent_id=setup_intent_id
        )
    except payments.PaymentError as exc:
        if exc.code in ("paid", "bad_state"):
            return _paid(gift.pk)
        if exc.code == "busy":
            raise GiftError(
                "A payment for this gift is already being processed. Please wait a moment.", code="busy"
            ) from None
        raise GiftError(exc.message, code=exc.code) from None
    return _result(gift.pk, payment, intent)


def _result(gift_id: int, payment: Payment, intent: gateway.Intent | None) -> PayResult:
    gift = Gift.objects.get(pk=gift_id)
    if gift.status != Status.PENDING_PAYMENT:
        return PayResult(gift, "paid")
    if payment.status == Payment.Status.REQUIRES_ACTION and intent is not None and intent.client_secret:
        return PayResult(gift, "requires_action", client_secret=intent.client_secret)
    message = payment.failure_message or "Your card was declined."
    return PayResult(gift, "failed", message=f"{message} Nothing was charged. You can try another card.")


def gift_payment_check(*, gift_id: int) -> PayResult:
    """After 3-D Secure in the browser: ask Stripe about the gift's latest attempt and act on its answer."""
    gift = Gift.objects.get(pk=gift_id)
    if gift.status != Status.PENDING_PAYMENT:
        return _paid(gift.pk)
    latest = (
        Payment.objects.filter(payable_id=gift.payable_id)
        .exclude(stripe_payment_intent_id=None)
        .order_by("-attempt")
        .first()
    )
    if latest is None:
        return PayResult(gift, "failed", message="The payment wasn't completed. Please try again.")
    payment = payments.payment_check(payment_id=latest.pk)
    gift.refresh_from_db()
    if gift.status != Status.PENDING_PAYMENT:
        return PayResult(gift, "paid")
    secret = payments.payment_client_secret(payment_id=payment.pk)
    if secret:
        return PayResult(gift, "requires_action", client_secret=secret)
    return PayResult(
        gift,
        "failed",
        message="The payment wasn't completed, and nothing was charged. "
        "Please try again or use another card.",
    )


def gift_issue(*, payable_id: int) -> Gift | None:
    """The gift's payable is paid: issue the gift exactly once, under the gift's row lock:
    pending_payment -> paid, one SessionCredit per session, and after commit the buyer's receipt and
    (now, or on the delivery date) the gift email. Returns the gift, None when no gift has this payable.
    Called by the PaymentSucceeded handler, in payments' transaction (payable and payment locked)."""
    gift = Gift.objects.select_for_update().filter(payable_id=payable_id).first()
    if gift is None or gift.status != Status.PENDING_PAYMENT:
        return gift
    now = timezone.now()
    gift.status = Status.PAID
    gift.issued_at = now
    gift.deliver_at = _delivery_instant(gift, now)
    gift.save()
    SessionCredit.objects.bulk_create([SessionCredit(gift=gift) for _ in range(gift.sessions)])
    mail_after_commit(gift.pk)
    return gift


def on_payment_succeeded(event: PaymentSucceeded) -> None:
    """Registered in GiftcardsConfig.ready(): a gift's payable is paid, so the gift is issued (once).
    Runs in payments' transaction (payable and payment locked); locks the gift row."""
    if event.purpose == Gift.PAYABLE_PURPOSE:
        gift_issue(payable_id=event.payable_id)


def _delivery_instant(gift: Gift, now: dt.datetime) -> dt.datetime:
    """When the gift email goes out: at once without a date (or if the date is today or past); else at
    DELIVERY_HOUR on that date in the buyer's zone."""
    if gift.delivery_date is None or gift.delivery_date <= today_in(gift.buyer_time_zone, now):
        return now
    local = dt.datetime.combine(gift.delivery_date, dt.time(DELIVERY_HOUR), tzinfo=zone(gift.buyer_time_zone))
    return max(local, now)


def gift_refund(*, gift_id: int, by: User | None = None, now: dt.datetime | None = None) -> Gift:
    """Refund an unclaimed gift in full (staff). Under the gift's row lock: refunded, credits void, claim
    link dead (so nobody can claim while the money goes back), and a full refund of its payment reserved
    in the payments ledger, sent to Stripe after commit and retried by payments until Stripe takes it.
    Calling it again on a refunded gift only sends again a refund Stripe hasn't accepted yet."""
    now = now or timezone.now()
    with transaction.atomic():
        gift = Gift.objects.select_for_update().get(pk=gift_id)
        if gift.status == Status.REFUNDED:
            refund = payments.refund_full(payable_id=gift.payable_id)
        else:
            if not gift.is_claimable:
                raise GiftError(
                    "Only a paid gift that hasn't been claimed can be refunded.", code="bad_state"
                )
            gift.status = Status.REFUNDED
            gift.refund_requested_at = now
            gift.refunded_by = by
            gift.token_hash = None
            gift.deliver_at = None
            gift.save()
            credits = list(SessionCredit.objects.filter(gift=gift, status=CStatus.AVAILABLE))
            SessionCredit.objects.filter(pk__in=[c.pk for c in credits]).update(
                status=CStatus.VOID, updated_at=now
            )
            SessionCreditEvent.objects.bulk_create(
                [SessionCreditEvent(credit=c, kind=SessionCreditEvent.Kind.VOIDED, at=now) for c in credits]
            )
            emails.email_refunded(gift)
            payments.refund_full(
                payable_id=gift.payable_id,
                reason=Refund.Reason.POLICY,
                note="Gift refunded before it was claimed",
                by=by,
            )
            refund = None
    if refund is not None and refund.status in (Refund.Status.PENDING, Refund.Status.FAILED):
        payments.refund_send(refund_id=refund.pk)
    gift.refresh_from_db()
    return gift
