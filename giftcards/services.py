"""Gift sessions: buying, issuing once, delivering, claiming, refunding, and the credits bookings use.

Money rules, as in payments.services: no Stripe call inside a transaction (a row is locked and marked
first, the call is made, the answer is recorded in a new transaction); Stripe is reached only through
payments.purchases; the payment is believed only when Stripe says so when asked (never the browser,
never a webhook payload).

Credits, in one paragraph (the contract with bookings):
- ``credit_take`` when the supporter accepts a booking the seeker pays with a gift: one available credit
  becomes *held* by that booking. Idempotent per booking.
- ``credit_return`` whenever a card payment would have been refunded (seeker cancels ≥ 24 h ahead,
  supporter cancels, supporter no-show, money-back guarantee, and anything else refunded in full): the
  credit is *available* again. Idempotent: the second call finds no credit on the booking.
- ``credits_settle`` when the booking reaches a state that keeps the fee (completed, late cancellation,
  seeker no-show): the credit is *used*. When every credit of a gift is used, the buyer gets one short
  email. A credit used by a completed session can still come back with the money-back guarantee; the
  buyer's email is never sent twice. The periodic task settles credits whose booking reached such a
  state without the call, so a missed call only delays the buyer's email.
"""

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.timezones import is_valid_timezone, zone
from bookings.models import Booking
from payments import gateway, purchases
from peersnet.errors import DomainError
from peersnet.kernel.enqueue import enqueue_on_commit
from seekers.models import SeekerProfile

from . import emails
from .models import MAX_SESSIONS, MESSAGE_MAX_LENGTH, MIN_SESSIONS, Gift, SessionCredit, SessionCreditEvent
from .selectors import credit_for_booking, credits_available, gift_price_cents
from .tokens import token_hash_or_none, token_new

logger = logging.getLogger(__name__)

__all__ = [  # the API other apps use
    "GiftError",
    "GiftLinkInvalid",
    "CreditError",
    "gift_payment_succeeded",
    "credits_available",
    "credit_take",
    "credit_return",
    "credit_for_booking",
    "credits_settle",
]

Status = Gift.Status
CStatus = SessionCredit.Status

DELIVERY_HOUR = 9  # a gift with a date arrives at 9 in the morning, in the buyer's zone
CHARGE_IN_FLIGHT = dt.timedelta(minutes=2)
MAIL_STALE_AFTER = dt.timedelta(minutes=10)
MAX_DELIVERY_AHEAD = dt.timedelta(days=366)


class GiftError(DomainError):
    pass


class GiftLinkInvalid(GiftError):
    """One answer for every link that can't be claimed: wrong, truncated, claimed, refunded, unknown."""

    def __init__(self) -> None:
        super().__init__("This gift link isn't valid any more.", code="invalid_link")


class CreditError(DomainError):
    pass


def _today_in(time_zone: str, now: dt.datetime) -> dt.date:
    return timezone.localtime(now, zone(time_zone)).date()


def _mail_after_commit(gift_id: int) -> None:
    from .tasks import send_gift_emails

    enqueue_on_commit(send_gift_emails, gift_id)  # the broker is down: the periodic task catches up


# --- Buying ---------------------------------------------------------------------------------------


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
    today = _today_in(time_zone, now)
    if delivery_date is not None and delivery_date < today:
        raise GiftError("Choose today or a later date for delivery.", code="past")
    if delivery_date is not None and delivery_date > today + MAX_DELIVERY_AHEAD:
        raise GiftError("Choose a delivery date within the next year.", code="too_far")
    return Gift.objects.create(
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


def gift_checkout_start(*, gift_id: int) -> str:
    """Prepare the card element for an unpaid gift: the buyer's Stripe customer (created once, key
    ``gift-<id>-customer``) and a fresh SetupIntent. Returns the SetupIntent's client secret.
    Raises GiftError when the gift is no longer waiting for payment; gateway errors propagate."""
    gift = Gift.objects.get(pk=gift_id)
    if gift.status != Status.PENDING_PAYMENT:
        raise GiftError("This gift is already paid.", code="paid")
    if not gift.stripe_customer_id:
        customer_id = purchases.gift_customer_create(
            gift_id=gift.pk, name=gift.buyer_name, email=gift.buyer_email
        )
        Gift.objects.filter(pk=gift.pk, stripe_customer_id="").update(stripe_customer_id=customer_id)
        gift.refresh_from_db(fields=["stripe_customer_id"])
    return purchases.gift_setup_start(gift_id=gift.pk, customer_id=gift.stripe_customer_id)


@dataclass(frozen=True)
class PayResult:
    """``paid``; ``requires_action`` (run 3-D Secure with ``client_secret``, then check); ``failed``."""

    gift: Gift
    status: str
    client_secret: str = ""
    message: str = ""


def _paid(gift_id: int) -> PayResult:
    return PayResult(Gift.objects.get(pk=gift_id), "paid")


def gift_pay(*, gift_id: int, setup_intent_id: str, now: dt.datetime | None = None) -> PayResult:
    """Charge the card the buyer just saved (a succeeded SetupIntent of the gift's customer) for the gift's
    amount, on-session, key ``gift-<id>-charge-<attempt>``. One attempt at a time per gift; the previous
    attempt is cancelled first, so two attempts can't both pay (one that paid anyway is refunded by
    gift_payment_succeeded). Success issues the gift (once). GatewayUnavailable propagates: nothing is
    issued, and if the charge did reach Stripe its webhook issues the gift."""
    now = now or timezone.now()
    gift = Gift.objects.get(pk=gift_id)
    if gift.status != Status.PENDING_PAYMENT:
        return _paid(gift.pk)
    try:
        card = purchases.gift_card_from_setup(
            setup_intent_id=setup_intent_id, customer_id=gift.stripe_customer_id
        )
    except purchases.PurchaseError as exc:
        raise GiftError(exc.message, code=exc.code) from None
    if gift.stripe_payment_intent_id:
        previous = purchases.gift_intent_close(gift.stripe_payment_intent_id)
        if previous.status == "succeeded":
            gift_payment_succeeded(payment_intent_id=previous.id)
            return _paid(gift.pk)
    with transaction.atomic():
        gift = Gift.objects.select_for_update().get(pk=gift_id)
        if gift.status != Status.PENDING_PAYMENT:
            return _paid(gift.pk)
        if gift.charge_started_at and gift.charge_started_at > now - CHARGE_IN_FLIGHT:
            raise GiftError(
                "A payment for this gift is already being processed. Please wait a moment.", code="busy"
            )
        gift.charge_attempts += 1
        gift.charge_started_at = now
        gift.card_brand, gift.card_last4 = card.brand, card.last4
        gift.save(update_fields=["charge_attempts", "charge_started_at", "card_brand", "card_last4"])
        attempt = gift.charge_attempts
    try:
        intent = purchases.gift_charge(
            gift_id=gift.pk,
            attempt=attempt,
            amount_cents=gift.amount_cents,
            customer_id=gift.stripe_customer_id,
            payment_method_id=card.payment_method_id,
        )
    except gateway.GatewayUnavailable:
        Gift.objects.filter(pk=gift.pk).update(charge_started_at=None)
        raise
    return _record_attempt(gift.pk, intent)


def _record_attempt(gift_id: int, intent: gateway.Intent) -> PayResult:
    """Note Stripe's answer to an attempt; issue on success."""
    with transaction.atomic():
        gift = Gift.objects.select_for_update().get(pk=gift_id)
        fields = ["charge_started_at", "failure_message"]
        gift.charge_started_at = None
        if gift.status == Status.PENDING_PAYMENT and intent.id:
            gift.stripe_payment_intent_id = intent.id
            fields.append("stripe_payment_intent_id")
        gift.failure_message = "" if intent.status == "succeeded" else (intent.failure_message or "")[:300]
        gift.save(update_fields=fields)
    if intent.status == "succeeded" and intent.id:
        gift_payment_succeeded(payment_intent_id=intent.id)
        return _paid(gift_id)
    if intent.status in ("requires_action", "requires_confirmation") and intent.client_secret:
        return PayResult(gift, "requires_action", client_secret=intent.client_secret)
    message = intent.failure_message or "Your card was declined."
    return PayResult(gift, "failed", message=f"{message} Nothing was charged. You can try another card.")


def gift_payment_check(*, gift_id: int) -> PayResult:
    """After 3-D Secure in the browser: ask Stripe about the gift's latest attempt and act on its answer."""
    gift = Gift.objects.get(pk=gift_id)
    if gift.status != Status.PENDING_PAYMENT:
        return _paid(gift.pk)
    if not gift.stripe_payment_intent_id:
        return PayResult(gift, "failed", message="The payment wasn't completed. Please try again.")
    intent = purchases.gift_intent_get(gift.stripe_payment_intent_id)
    if intent.status == "succeeded":
        gift_payment_succeeded(payment_intent_id=intent.id)
        return _paid(gift.pk)
    if intent.status in ("requires_action", "requires_confirmation") and intent.client_secret:
        return PayResult(gift, "requires_action", client_secret=intent.client_secret)
    return PayResult(
        gift,
        "failed",
        message="The payment wasn't completed, and nothing was charged. "
        "Please try again or use another card.",
    )


def gift_payment_succeeded(*, payment_intent_id: str) -> Gift | None:
    """Stripe says a gift's PaymentIntent may have succeeded (the synchronous path, the pay page's check,
    or the ``payment_intent.succeeded`` webhook, in any order, any number of times). Re-reads the intent
    from Stripe; if it succeeded, is this gift's (``metadata.gift_id``) and paid the gift's amount, the
    gift is issued exactly once, under a row lock: pending_payment → paid, one SessionCredit per
    session, and after commit the buyer's receipt and (now, or on the delivery date) the gift email.
    A second intent that paid an already paid gift is refunded in full.

    Returns the gift the intent belongs to (issued, or unchanged when the intent hasn't succeeded), or
    None when the intent is not a gift's. GatewayUnavailable propagates (the webhook is retried)."""
    gift = Gift.objects.filter(stripe_payment_intent_id=payment_intent_id).first()
    try:
        intent = purchases.gift_intent_get(payment_intent_id)
    except gateway.GatewayRefused:
        logger.warning("stripe doesn't know payment intent %s", payment_intent_id)
        return gift
    gift_id = str(intent.metadata.get("gift_id", ""))
    if gift is None:
        gift = Gift.objects.filter(pk=int(gift_id)).first() if re.fullmatch(r"[0-9]{1,18}", gift_id) else None
        if gift is None:
            return None
    if gift_id != str(gift.pk):
        logger.error("payment intent %s is stored on gift %s but names gift %r", intent.id, gift.pk, gift_id)
        return gift
    if intent.status != "succeeded":
        return gift
    if intent.amount != gift.amount_cents:
        logger.error(
            "gift %s: intent %s paid %s, not %s", gift.pk, intent.id, intent.amount, gift.amount_cents
        )
        return gift
    duplicate = False
    with transaction.atomic():
        gift = Gift.objects.select_for_update().get(pk=gift.pk)
        if gift.status == Status.PENDING_PAYMENT:
            _issue(gift, intent)
        elif gift.stripe_payment_intent_id != intent.id and intent.id not in gift.refunded_payment_intents:
            duplicate = True
    if duplicate:
        logger.warning("gift %s was paid twice; refunding intent %s", gift.pk, intent.id)
        purchases.gift_refund_duplicate(
            gift_id=gift.pk, payment_intent_id=intent.id, amount_cents=intent.amount
        )
        with transaction.atomic():
            gift = Gift.objects.select_for_update().get(pk=gift.pk)
            if intent.id not in gift.refunded_payment_intents:
                gift.refunded_payment_intents = [*gift.refunded_payment_intents, intent.id]
                gift.save(update_fields=["refunded_payment_intents"])
    return gift


def _delivery_instant(gift: Gift, now: dt.datetime) -> dt.datetime:
    """When the gift email goes out: at once without a date (or if the date is today or past); else at
    DELIVERY_HOUR on that date in the buyer's zone."""
    if gift.delivery_date is None or gift.delivery_date <= _today_in(gift.buyer_time_zone, now):
        return now
    local = dt.datetime.combine(gift.delivery_date, dt.time(DELIVERY_HOUR), tzinfo=zone(gift.buyer_time_zone))
    return max(local, now)


def _issue(gift: Gift, intent: gateway.Intent) -> None:
    """The gift is paid (row locked, still pending): mark it, make its credits, send its emails."""
    now = timezone.now()
    gift.status = Status.PAID
    gift.issued_at = now
    gift.stripe_payment_intent_id = intent.id
    gift.charge_started_at = None
    gift.failure_message = ""
    if intent.card_last4:
        gift.card_brand, gift.card_last4 = intent.card_brand, intent.card_last4
    gift.deliver_at = _delivery_instant(gift, now)
    gift.save()
    SessionCredit.objects.bulk_create([SessionCredit(gift=gift) for _ in range(gift.sessions)])
    _mail_after_commit(gift.pk)


# --- Emails with links ------------------------------------------------------------------------------


def gift_emails_send(*, gift_id: int, now: dt.datetime | None = None) -> Gift:
    """Send what is due for a gift: the buyer's receipt (once) and the gift email (when its time has come).

    Each carries a fresh token made here; only its hash is saved, before sending, so the links work the
    moment the email arrives, and a resend (new token) retires the old link. The row is marked as being
    mailed (so two workers don't both send) in its own transaction; the mail goes out with no
    transaction open; then what was sent is recorded. A failure leaves it due for the periodic task.
    Safe to run twice."""
    now = now or timezone.now()
    with transaction.atomic():
        gift = Gift.objects.select_for_update().get(pk=gift_id)
        if gift.mail_claimed_at and gift.mail_claimed_at > now - MAIL_STALE_AFTER:
            return gift
        receipt_due = (
            gift.status in (Status.PAID, Status.DELIVERED, Status.CLAIMED) and not gift.receipt_sent_at
        )
        gift_due = gift.is_claimable and gift.deliver_at is not None and gift.deliver_at <= now
        if not (receipt_due or gift_due):
            return gift
        status_token = claim_token = None
        if receipt_due:
            status_token, gift.status_token_hash = token_new()
        if gift_due:
            claim_token, gift.token_hash = token_new()
        gift.mail_claimed_at = now
        gift.save(update_fields=["status_token_hash", "token_hash", "mail_claimed_at"])
        issued_hash = gift.token_hash
    receipt_sent = gift_sent = False
    try:
        if status_token:
            emails.email_receipt(gift, token=status_token)
            receipt_sent = True
        if claim_token:
            emails.email_gift(gift, token=claim_token)
            gift_sent = True
    except Exception:
        logger.exception("gift %s: sending its emails failed; the periodic task tries again", gift_id)
    with transaction.atomic():
        gift = Gift.objects.select_for_update().get(pk=gift_id)
        gift.mail_claimed_at = None
        if receipt_sent:
            gift.receipt_sent_at = timezone.now()
        if gift_sent:
            gift.delivered_at = timezone.now()
            # Staff may have corrected the address or resent meanwhile: then it is due again.
            if gift.token_hash == issued_hash:
                gift.deliver_at = None
            if gift.status == Status.PAID:
                gift.status = Status.DELIVERED
        gift.save(
            update_fields=["mail_claimed_at", "receipt_sent_at", "delivered_at", "deliver_at", "status"]
        )
    return gift


def gifts_send_due(*, now: dt.datetime | None = None) -> int:
    """Periodic: send receipts not sent yet and gift emails whose delivery time has come. Returns how many
    gifts had something sent."""
    now = now or timezone.now()
    due = (
        Gift.objects.filter(
            Q(status__in=[Status.PAID, Status.DELIVERED, Status.CLAIMED], receipt_sent_at=None)
            | Q(status__in=[Status.PAID, Status.DELIVERED], deliver_at__lte=now)
        )
        .filter(Q(mail_claimed_at=None) | Q(mail_claimed_at__lte=now - MAIL_STALE_AFTER))
        .values_list("pk", flat=True)
    )
    count = 0
    for gift_id in list(due):
        before = Gift.objects.values_list("receipt_sent_at", "delivered_at").get(pk=gift_id)
        after = gift_emails_send(gift_id=gift_id, now=now)
        if (after.receipt_sent_at, after.delivered_at) != before:
            count += 1
    return count


# --- Claiming -----------------------------------------------------------------------------------------


@transaction.atomic
def gift_claim(
    *,
    seeker: SeekerProfile,
    token: str | None = None,
    token_hash: str | None = None,
    now: dt.datetime | None = None,
) -> Gift:
    """Bind a gift's sessions to the seeker, once, by the link's raw ``token`` or its ``token_hash`` (what
    the claim page keeps in the session, so the raw token isn't stored there either). The gift row is
    locked by the hash: of two accounts racing with one link, the second finds the link spent
    (GiftLinkInvalid, like any bad link). The claim link stops working."""
    now = now or timezone.now()
    hashed = token_hash if token is None else token_hash_or_none(token)
    gift = Gift.objects.select_for_update().filter(token_hash=hashed).first() if hashed else None
    if gift is None or not gift.is_claimable:
        raise GiftLinkInvalid()
    gift.status = Status.CLAIMED
    gift.claimed_at = now
    gift.claimed_by = seeker
    gift.token_hash = None
    gift.deliver_at = None
    gift.save(update_fields=["status", "claimed_at", "claimed_by", "token_hash", "deliver_at", "updated_at"])
    credits = list(SessionCredit.objects.filter(gift=gift, status=CStatus.AVAILABLE, seeker=None))
    SessionCredit.objects.filter(pk__in=[c.pk for c in credits]).update(seeker=seeker, updated_at=now)
    SessionCreditEvent.objects.bulk_create(
        [SessionCreditEvent(credit=c, kind=SessionCreditEvent.Kind.CLAIMED, at=now) for c in credits]
    )
    return gift


# --- Staff -----------------------------------------------------------------------------------------------


@transaction.atomic
def gift_resend(*, gift_id: int, now: dt.datetime | None = None) -> Gift:
    """Send the gift email again now, with a new link (the old one stops working when it goes out).
    Only before the gift is claimed."""
    now = now or timezone.now()
    gift = Gift.objects.select_for_update().get(pk=gift_id)
    if not gift.is_claimable:
        raise GiftError("Only a paid gift that hasn't been claimed can be sent again.", code="bad_state")
    gift.deliver_at = now
    gift.save(update_fields=["deliver_at", "updated_at"])
    _mail_after_commit(gift.pk)
    return gift


@transaction.atomic
def gift_recipient_correct(
    *, gift_id: int, email: str, name: str | None = None, now: dt.datetime | None = None
) -> Gift:
    """Correct the recipient's email (and name) before the gift is claimed. If the gift email already went
    out, its link stops working at once and the gift is sent to the new address now."""
    now = now or timezone.now()
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise GiftError("Enter a valid email address.", code="email") from None
    gift = Gift.objects.select_for_update().get(pk=gift_id)
    if not gift.is_claimable:
        raise GiftError(
            "The recipient can be changed only on a paid gift that hasn't been claimed.", code="bad_state"
        )
    gift.recipient_email = email
    if name and name.split():
        gift.recipient_name = " ".join(name.split())[:120]
    if gift.delivered_at or gift.token_hash:
        gift.token_hash = None
        gift.deliver_at = now
        _mail_after_commit(gift.pk)
    gift.save(update_fields=["recipient_email", "recipient_name", "token_hash", "deliver_at", "updated_at"])
    return gift


def gift_refund(*, gift_id: int, by=None, now: dt.datetime | None = None) -> Gift:
    """Refund an unclaimed gift in full (staff). First, under the row lock: refunded, credits void, claim
    link dead, so nobody can claim while the money goes back. Then the refund is sent to Stripe (key
    ``gift-<id>-refund``); if Stripe can't be reached it is sent again by the periodic task. Calling it
    again on a refunded gift only retries a refund not yet accepted by Stripe."""
    now = now or timezone.now()
    with transaction.atomic():
        gift = Gift.objects.select_for_update().get(pk=gift_id)
        if gift.status != Status.REFUNDED:
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
    return gift_refund_send(gift_id=gift_id)


def gift_refund_send(*, gift_id: int) -> Gift:
    """Send a refunded gift's refund to Stripe unless Stripe already has it. Safe to repeat (same key)."""
    gift = Gift.objects.get(pk=gift_id)
    if gift.status != Status.REFUNDED or gift.refunded_at:
        return gift
    try:
        refund_id, stripe_status = purchases.gift_refund(
            gift_id=gift.pk, payment_intent_id=gift.stripe_payment_intent_id, amount_cents=gift.amount_cents
        )
    except (gateway.GatewayUnavailable, gateway.GatewayRefused, purchases.PurchaseError) as exc:
        logger.warning("gift %s: refund not sent: %s", gift.pk, exc)
        Gift.objects.filter(pk=gift.pk).update(refund_error=str(getattr(exc, "message", exc))[:300])
        gift.refresh_from_db()
        return gift
    with transaction.atomic():
        gift = Gift.objects.select_for_update().get(pk=gift_id)
        gift.stripe_refund_id = gift.stripe_refund_id or refund_id
        if stripe_status in ("succeeded", "pending"):
            gift.refunded_at = gift.refunded_at or timezone.now()
            gift.refund_error = ""
        else:
            gift.refund_error = f"Stripe says {stripe_status}"
        gift.save(update_fields=["stripe_refund_id", "refunded_at", "refund_error"])
    return gift


def gift_refunds_retry(*, now: dt.datetime | None = None, older_than=dt.timedelta(minutes=2)) -> int:
    """Periodic: send again the refunds of refunded gifts that Stripe hasn't accepted yet."""
    now = now or timezone.now()
    due = Gift.objects.filter(
        status=Status.REFUNDED, refunded_at=None, refund_requested_at__lte=now - older_than
    ).values_list("pk", flat=True)
    return sum(gift_refund_send(gift_id=gift_id).refunded_at is not None for gift_id in list(due))


# --- Credits (called by bookings) ----------------------------------------------------------------------


def _event(credit: SessionCredit, kind: str, booking, at: dt.datetime) -> None:
    SessionCreditEvent.objects.create(credit=credit, kind=kind, booking=booking, at=at)


@transaction.atomic
def credit_take(*, seeker: SeekerProfile, booking, now: dt.datetime | None = None) -> SessionCredit | None:
    """Take one of the seeker's available credits for this booking (call it inside the booking's accept
    transaction). Returns the credit, now *held* by the booking; the same credit again for a booking that
    already holds one; None when the seeker has none left.

    A credit is taken by a conditional UPDATE of one available row, picked with
    ``SELECT … FOR UPDATE SKIP LOCKED`` so parallel bookings take different credits or none (never the
    same one twice, never more than there are); a booking holds at most one credit (unique constraint).
    Locks the booking row first (the lock order of bookings: booking, then what hangs off it)."""
    now = now or timezone.now()
    if booking.seeker_id != seeker.pk:
        raise CreditError("This booking isn't this seeker's.", code="not_yours")
    # Calls for one booking queue up behind its row lock (the accept transaction normally holds it already).
    Booking.objects.select_for_update().filter(pk=booking.pk).values_list("pk", flat=True).first()
    existing = SessionCredit.objects.select_for_update().filter(booking=booking).first()
    if existing is not None:
        return existing
    for _ in range(5):
        candidate = (
            SessionCredit.objects.select_for_update(skip_locked=True)
            .filter(seeker=seeker, status=CStatus.AVAILABLE)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if candidate is None:
            return None
        try:
            with transaction.atomic():
                taken = SessionCredit.objects.filter(
                    pk=candidate, status=CStatus.AVAILABLE, seeker=seeker
                ).update(status=CStatus.HELD, booking=booking, taken_at=now, used_at=None, updated_at=now)
        except IntegrityError:  # another call took a credit for this very booking meanwhile
            return SessionCredit.objects.get(booking=booking)
        if taken:
            credit = SessionCredit.objects.get(pk=candidate)
            _event(credit, SessionCreditEvent.Kind.TAKEN, booking, now)
            return credit
    return None


@transaction.atomic
def credit_return(*, booking, now: dt.datetime | None = None) -> SessionCredit | None:
    """The booking's fee would have been refunded: its credit (held, or used and now refunded by the
    guarantee) is available to the seeker again. Returns that credit; None when the booking holds no
    credit (it never had one, or it was already returned: a repeat call changes nothing)."""
    now = now or timezone.now()
    credit = SessionCredit.objects.select_for_update().filter(booking=booking).first()
    if credit is None:
        return None
    credit.status = CStatus.AVAILABLE
    credit.booking = None
    credit.taken_at = None
    credit.used_at = None
    credit.save(update_fields=["status", "booking", "taken_at", "used_at", "updated_at"])
    _event(credit, SessionCreditEvent.Kind.RETURNED, booking, now)
    return credit


def booking_keeps_fee(booking: Booking) -> bool:
    """The states in which a paid session's fee is kept: the credit that paid it is used for good."""
    if booking.status in (Booking.Status.COMPLETED, Booking.Status.LATE_CANCELLED):
        return True
    return booking.status == Booking.Status.NO_SHOW and booking.no_show_by != Booking.Party.SUPPORTER


@transaction.atomic
def credits_settle(*, booking, now: dt.datetime | None = None) -> SessionCredit | None:
    """The booking reached a state that keeps the fee (completed, late cancellation, seeker no-show): its
    credit is used. When that was the gift's last credit, the buyer gets one short email (outbox).
    Does nothing for a booking in any other state, or without a credit. Safe to repeat."""
    now = now or timezone.now()
    if not booking_keeps_fee(booking):
        return None
    credit = SessionCredit.objects.select_for_update().filter(booking=booking).first()
    if credit is None or credit.status == CStatus.USED:
        return credit
    credit.status = CStatus.USED
    credit.used_at = now
    credit.save(update_fields=["status", "used_at", "updated_at"])
    _event(credit, SessionCreditEvent.Kind.USED, booking, now)
    _notify_if_all_used(credit.gift_id, now)
    return credit


def _notify_if_all_used(gift_id: int, now: dt.datetime) -> None:
    gift = Gift.objects.select_for_update().get(pk=gift_id)
    if gift.all_used_notified_at or gift.status != Status.CLAIMED:
        return
    if gift.credits.exclude(status=CStatus.USED).exists():
        return
    gift.all_used_notified_at = now
    gift.save(update_fields=["all_used_notified_at", "updated_at"])
    emails.email_all_used(gift)


def credits_settle_due(*, now: dt.datetime | None = None) -> int:
    """Periodic safety net: settle held credits whose booking already keeps its fee. Returns how many."""
    held = SessionCredit.objects.filter(
        status=CStatus.HELD,
        booking__status__in=[Booking.Status.COMPLETED, Booking.Status.LATE_CANCELLED, Booking.Status.NO_SHOW],
    ).select_related("booking")
    return sum(credits_settle(booking=credit.booking, now=now) is not None for credit in list(held))
