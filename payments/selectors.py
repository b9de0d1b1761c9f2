"""Named reads for money: what a payer paid and got back, per payable."""

from collections import defaultdict

from seekers.models import SeekerProfile

from .models import Payment, Refund


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


def payable_paid_payment(*, payable_id: int | None) -> Payment | None:
    """The attempt that paid the payable (its card, its time), or None."""
    if payable_id is None:
        return None
    return Payment.objects.filter(payable_id=payable_id, status=Payment.Status.SUCCEEDED).first()


def payable_refund(*, payable_id: int | None) -> Refund | None:
    """The refund the rules gave on the payable's paid attempt (not a staff or duplicate one), or None."""
    if payable_id is None:
        return None
    return (
        Refund.objects.filter(payment__payable_id=payable_id, payment__status=Payment.Status.SUCCEEDED)
        .exclude(reason__in=[Refund.Reason.STAFF, Refund.Reason.DUPLICATE])
        .first()
    )
