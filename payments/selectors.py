"""Named reads for money: what a payer paid and got back, per payable."""

from collections import defaultdict

from seekers.models import SeekerProfile

from .models import Payment


def money_by_payable(*, seeker: SeekerProfile) -> dict[int, list[Payment]]:
    """Payable id -> its paid (or attempted) payments with their refunds, in two queries."""
    payments = (
        Payment.objects.filter(payable__seeker=seeker)
        .exclude(status__in=[Payment.Status.PENDING, Payment.Status.CANCELED])
        .prefetch_related("refunds")
        .order_by("created_at")
    )
    grouped: dict[int, list[Payment]] = defaultdict(list)
    for payment in payments:
        grouped[payment.payable_id].append(payment)
    return dict(grouped)


def payment_get_of_payable(*, payable_id: int, payment_id: int) -> Payment | None:
    """One attempt of a payable, or None (another payable's attempt is not found)."""
    return Payment.objects.filter(payable_id=payable_id, pk=payment_id).first()
