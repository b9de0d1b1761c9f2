"""Bookings accepted before the charge was written in the accept's transaction may wait for payment with
no attempt at all (their charge task was lost while Redis was down). Give each its "charge wanted"
attempt, as an accept now writes it, so the money sweep charges it instead of the deadline releasing it."""

from django.db import migrations


def want_lost_charges(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    Payment = apps.get_model("payments", "Payment")
    waiting = Booking.objects.filter(
        status="payment_pending", payable__status="open", payable__seeker__isnull=False
    ).select_related("payable")
    for booking in waiting:
        payable = booking.payable
        if Payment.objects.filter(payable=payable).exists():
            continue
        Payment.objects.create(
            payable=payable,
            attempt=1,
            off_session=True,
            amount_cents=payable.amount_cents,
            currency=payable.currency,
            status="pending",
            idempotency_key=f"{payable.key_prefix}-charge-1",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0005_booking_payable"),
        ("payments", "0005_charge_lease_and_paid_twice"),
    ]

    operations = [migrations.RunPython(want_lost_charges, migrations.RunPython.noop)]
