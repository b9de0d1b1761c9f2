"""Gift sessions: buying (through the payments ledger), issuing once, delivering, claiming, refunding,
and the credits bookings use. Split by sub-domain; callers write ``from giftcards import services``:

- purchase: create, pay, check, issue (on PaymentSucceeded), refund
- delivery: the receipt and gift emails, resend, recipient correction
- claim: a seeker claims a gift by its link
- credits: take, return and settle a booking's credit (called by bookings with the decided outcome)
"""

from ..selectors import credit_for_booking, credits_available
from .claim import gift_claim
from .common import CreditError, GiftError, GiftLinkInvalid
from .credits import credit_return, credit_settle, credit_take
from .delivery import MAIL_STALE_AFTER, gift_emails_send, gift_recipient_correct, gift_resend, gifts_send_due
from .purchase import (
    DELIVERY_HOUR,
    MAX_DELIVERY_AHEAD,
    PayResult,
    gift_checkout_start,
    gift_create,
    gift_issue,
    gift_pay,
    gift_payment_check,
    gift_refund,
    on_payment_succeeded,
)

__all__ = [
    "DELIVERY_HOUR",
    "MAIL_STALE_AFTER",
    "MAX_DELIVERY_AHEAD",
    "CreditError",
    "GiftError",
    "GiftLinkInvalid",
    "PayResult",
    "credit_for_booking",
    "credit_return",
    "credit_settle",
    "credit_take",
    "credits_available",
    "gift_checkout_start",
    "gift_claim",
    "gift_create",
    "gift_emails_send",
    "gift_issue",
    "gift_pay",
    "gift_payment_check",
    "gift_recipient_correct",
    "gift_refund",
    "gift_resend",
    "gifts_send_due",
    "on_payment_succeeded",
]
