"""The shared factories write the real rows: a paid booking has its payable and succeeded attempt in the
ledger; a gift has its payable; a credit belongs to a claimed gift."""

import pytest

from bookings.models import Booking
from giftcards.models import Gift, SessionCredit
from payments.models import Payable, Payment
from tests.factories import BookingFactory, CreditFactory, GiftFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def test_a_paid_booking_has_its_payable_and_succeeded_attempt():
    booking = BookingFactory(paid=True)
    booking.refresh_from_db()
    assert (booking.status, booking.amount_paid_cents) == (Booking.Status.CONFIRMED, booking.price_cents)
    payable = booking.payable
    assert (payable.key_prefix, payable.status, payable.seeker) == (
        f"booking-{booking.pk}",
        Payable.Status.PAID,
        booking.seeker,
    )
    [payment] = Payment.objects.filter(payable=payable)
    assert (payment.status, payment.amount_cents, payment.refundable_cents) == (
        Payment.Status.SUCCEEDED,
        booking.price_cents,
        booking.price_cents,
    )
    assert BookingFactory().payable is None  # a plain booking has no money rows


def test_gift_credit_and_payment_factories_make_consistent_rows():
    gift = GiftFactory()
    assert gift.payable.key_prefix == f"gift-{gift.pk}" and gift.payable.status == Payable.Status.PAID
    assert Payment.objects.get(payable=gift.payable).status == Payment.Status.SUCCEEDED
    unpaid = GiftFactory(status=Gift.Status.PENDING_PAYMENT, issued_at=None)
    assert unpaid.payable.status == Payable.Status.OPEN and not unpaid.payable.payments.exists()
    credit = CreditFactory()
    assert credit.status == SessionCredit.Status.AVAILABLE and credit.gift.claimed_by == credit.seeker
    assert PaymentFactory().payable.status == Payable.Status.PAID
