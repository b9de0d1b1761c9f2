"""Money: a purpose-agnostic ledger of things to be paid (``Payable``), their attempts (``Payment``) and
refunds, Stripe customers and cards, and Stripe's webhooks. The only code that talks to Stripe (through
``payments.gateway``). It imports no domain app: owners point down to their payable and learn outcomes
from the events in ``payments.events``.

Callers write ``from payments import services`` and ``services.refund_full(...)``; the submodules are
split by sub-domain: cards, payables (made, charged, closed), charges (attempts), sweep (off-session
charges and the sweep that retries attempts), refunds, webhooks.
"""

from .cards import (
    ChargeCard,
    card_setup_complete,
    card_setup_start,
    customer_erase,
    customer_erase_send,
    customer_get_or_create,
    customers_erase_due,
    payable_card_from_setup,
    payable_checkout_start,
    saved_charge_card,
    seeker_card,
)
from .charges import (
    STRIPE_TO_STATUS,
    payment_check,
    payment_client_secret,
    payment_pay_saved_card,
    payment_pay_with_setup,
    payment_record,
    payment_record_failure,
    payment_record_stray,
    payment_refuse,
)
from .common import CHARGE_LEASE, MAX_REFUND_ATTEMPTS, UNANSWERED, PaymentError
from .payables import (
    payable_close,
    payable_close_after_commit,
    payable_create,
    payments_cancel_open,
)
from .refunds import (
    refund_by_staff,
    refund_full,
    refund_record,
    refund_reserve,
    refund_send,
    refunds_retry_due,
)
from .sweep import payment_charge_off_session, payment_charge_wanted, payments_retry_pending
from .webhooks import HANDLERS, webhook_process, webhook_receive, webhooks_process_stuck

__all__ = [
    "CHARGE_LEASE",
    "HANDLERS",
    "MAX_REFUND_ATTEMPTS",
    "STRIPE_TO_STATUS",
    "UNANSWERED",
    "ChargeCard",
    "PaymentError",
    "card_setup_complete",
    "card_setup_start",
    "customer_erase",
    "customer_erase_send",
    "customer_get_or_create",
    "customers_erase_due",
    "payable_card_from_setup",
    "payable_checkout_start",
    "payable_close",
    "payable_close_after_commit",
    "payable_create",
    "payment_charge_off_session",
    "payment_charge_wanted",
    "payment_check",
    "payment_client_secret",
    "payment_pay_saved_card",
    "payment_pay_with_setup",
    "payment_record",
    "payment_record_failure",
    "payment_record_stray",
    "payment_refuse",
    "payments_cancel_open",
    "payments_retry_pending",
    "refund_by_staff",
    "refund_full",
    "refund_record",
    "refund_reserve",
    "refund_send",
    "refunds_retry_due",
    "saved_charge_card",
    "seeker_card",
    "webhook_process",
    "webhook_receive",
    "webhooks_process_stuck",
]
