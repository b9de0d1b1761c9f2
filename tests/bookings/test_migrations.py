"""bookings 0006: a booking left waiting for payment with no attempt (its charge task was lost before the
charge was written in the accept's transaction) gets its "charge wanted" attempt, so the sweep charges it.
Rows are written with the historical models of the state before the migration, then it runs for real."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.concurrency import postgresql_only
from tests.migrations import migrate_forward, migrated_back_to

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]

BEFORE = [("bookings", "0005_booking_payable"), ("payments", "0005_charge_lease_and_paid_twice")]


@pytest.fixture
def old_state():
    with migrated_back_to(BEFORE) as apps:
        yield apps


def test_a_booking_waiting_with_no_attempt_gets_its_charge_wanted(old_state):
    apps = old_state
    User = apps.get_model("accounts", "User")
    Seeker = apps.get_model("seekers", "SeekerProfile")
    Supporter = apps.get_model("supporters", "SupporterProfile")
    Slot = apps.get_model("supporters", "Slot")
    Booking = apps.get_model("bookings", "Booking")
    Payable = apps.get_model("payments", "Payable")
    Payment = apps.get_model("payments", "Payment")
    now = timezone.now().replace(microsecond=0)

    def user(email):
        return User.objects.create(email=email, password="!", time_zone="America/Los_Angeles")

    seeker = Seeker.objects.create(user=user("seeker@example.com"))
    supporter = Supporter.objects.create(
        user=user("supporter@example.com"), display_name="Jess", time_zone="America/Los_Angeles"
    )

    def booking(hours, status, payable_status="open"):
        start = (now + dt.timedelta(hours=hours)).replace(minute=0, second=0)
        slot = Slot.objects.create(supporter=supporter, start=start, end=start + dt.timedelta(minutes=50))
        made = Booking.objects.create(
            seeker=seeker,
            supporter=supporter,
            slot=slot,
            start=slot.start,
            end=slot.end,
            status=status,
            requested_at=now,
            respond_by=now + dt.timedelta(hours=1),
            price_cents=6500,
            payment_due_by=now + dt.timedelta(hours=5),
        )
        made.payable = Payable.objects.create(
            purpose="booking",
            key_prefix=f"booking-{made.pk}",
            amount_cents=6500,
            seeker=seeker,
            status=payable_status,
            closed_at=now if payable_status == "closed" else None,
        )
        made.save()
        return made

    lost = booking(30, "payment_pending")
    tried = booking(40, "payment_pending")
    Payment.objects.create(
        payable=tried.payable, attempt=1, amount_cents=6500, status="failed", idempotency_key="x-charge-1"
    )
    released = booking(50, "released", payable_status="closed")

    migrate_forward()

    from payments.models import Payment as NowPayment

    wanted = NowPayment.objects.get(payable_id=lost.payable_id)
    assert (wanted.status, wanted.off_session, wanted.sends, wanted.amount_cents, wanted.idempotency_key) == (
        "pending",
        True,
        0,
        6500,
        f"booking-{lost.pk}-charge-1",
    )
    assert NowPayment.objects.filter(payable_id=tried.payable_id).count() == 1
    assert not NowPayment.objects.filter(payable_id=released.payable_id).exists()
