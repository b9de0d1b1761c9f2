"""Named reads for money: what a seeker paid and got back, per booking."""

from collections import defaultdict

from seekers.models import SeekerProfile

from .models import Payment


def money_by_booking(*, seeker: SeekerProfile) -> dict[int, list[Payment]]:
    """Booking id -> its paid (or attempted) payments with their refunds, in two queries."""
    payments = (
        Payment.objects.filter(seeker=seeker)
        .exclude(status__in=[Payment.Status.PENDING, Payment.Status.CANCELED])
        .prefetch_related("refunds")
        .order_by("created_at")
    )
    grouped: dict[int, list[Payment]] = defaultdict(list)
    for payment in payments:
        grouped[payment.booking_id].append(payment)
    return dict(grouped)
