"""Delivering a gift: the buyer's receipt and the gift email with its claim link, on time, once; staff
resend and recipient corrections."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import emails
from ..models import Gift
from ..tokens import token_new
from .common import GiftError, Status, logger, mail_after_commit

MAIL_STALE_AFTER = dt.timedelta(minutes=10)


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
            if gift.delivered_at is None and not receipt_sent:
                # A gift dated for later: the receipt promised word when it arrives (sent after commit).
                # Delivered at once, the receipt itself said "we're emailing them now".
                emails.email_delivered(gift)
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
    mail_after_commit(gift.pk)
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
        mail_after_commit(gift.pk)
    gift.save(update_fields=["recipient_email", "recipient_name", "token_hash", "deliver_at", "updated_at"])
    return gift
