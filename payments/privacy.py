"""What the payments ledger holds about a seeker, for their export and their account's deletion
(privacy.registry; registered in PaymentsConfig.ready()). Payment and refund rows are kept for the law
and the books: amounts, dates and statuses, with no name or address; the saved card is forgotten and the
Stripe customer deleted (after commit)."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from privacy.registry import iso
from seekers.models import SeekerProfile

from .models import Payable, Payment, StripeCustomer
from .services import customer_erase


def export_payments(user: User) -> dict | None:
    customer = StripeCustomer.objects.filter(seeker__user=user).first()
    payables = (
        Payable.objects.filter(seeker__user=user)
        .prefetch_related("payments__refunds")
        .order_by("created_at", "pk")
    )
    payments = [
        {
            "for": payable.purpose,
            "reference": payable.key_prefix,
            "amount_cents": payment.amount_cents,
            "currency": payment.currency,
            "status": payment.get_status_display(),
            "card": f"{payment.card_brand} ending {payment.card_last4}" if payment.card_last4 else "",
            "paid_at": iso(payment.succeeded_at),
            "refunds": [
                {
                    "amount_cents": refund.amount_cents,
                    "status": refund.get_status_display(),
                    "at": iso(refund.succeeded_at or refund.created_at),
                }
                for refund in payment.refunds.all()
            ],
        }
        for payable in payables
        for payment in payable.payments.all()
        if payment.status in (Payment.Status.SUCCEEDED, Payment.Status.DUPLICATE)
    ]
    if customer is None and not payments:
        return None
    return {
        "saved_card": (
            {
                "brand": customer.card_brand,
                "last4": customer.card_last4,
                "expires": f"{customer.card_exp_month}/{customer.card_exp_year}",
            }
            if customer is not None and customer.has_card
            else None
        ),
        "payments": payments,
    }


def erase(user: User, *, now: dt.datetime) -> None:
    seeker = SeekerProfile.objects.filter(user=user).first()
    if seeker is not None:
        customer_erase(seeker=seeker, now=now)
