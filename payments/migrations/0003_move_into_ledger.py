# Step 2 of 3: move every existing money row into the ledger, losing no money state.
#
# - A booking with attempts (or waiting for payment) gets a payable "booking-<id>": paid when one attempt
#   succeeded, open while the booking waits for payment, closed otherwise; its attempts move under it
#   unchanged (status, keys, intents, refunds, disputes).
# - Every gift gets a payable "gift-<id>" (paid once issued) with its own Stripe customer, and the gift's
#   payment state becomes rows: the attempt that paid (or the latest one), the attempts numbered before it
#   (so no new attempt ever reuses an idempotency key Stripe has seen), an attempt still being sent, every
#   second payment that was refunded as a duplicate (with its refund), and a staff refund of the gift
#   (succeeded, failed with its error, or still to send) under its old key "gift-<id>-refund", so a retry
#   can never refund twice on Stripe.

from django.db import migrations

UNANSWERED = "We couldn't reach our payment provider, so this payment didn't go through. Please try again."


def _bookings(apps):
    Payable = apps.get_model("payments", "Payable")
    Payment = apps.get_model("payments", "Payment")
    Booking = apps.get_model("bookings", "Booking")
    with_attempts = set(Payment.objects.values_list("booking_id", flat=True))
    waiting = set(
        Booking.objects.filter(status="payment_pending", paid_with_credit=False, price_cents__gt=0).values_list(
            "pk", flat=True
        )
    )
    for booking in Booking.objects.filter(pk__in=with_attempts | waiting).order_by("pk"):
        attempts = Payment.objects.filter(booking_id=booking.pk).order_by("attempt")
        first = attempts.first()
        paid = attempts.filter(status="succeeded").first()
        if paid is not None:
            status, paid_at = "paid", paid.succeeded_at or paid.updated_at
        else:
            status, paid_at = ("open" if booking.status == "payment_pending" else "closed"), None
        payable = Payable.objects.create(
            purpose="booking",
            key_prefix=f"booking-{booking.pk}",
            amount_cents=first.amount_cents if first else booking.price_cents,
            currency=first.currency if first else "usd",
            status=status,
            seeker_id=booking.seeker_id,
            paid_at=paid_at,
            closed_at=(booking.ended_at or booking.updated_at) if status == "closed" else None,
        )
        attempts.update(payable=payable)
        Booking.objects.filter(pk=booking.pk).update(payable=payable)


def _gifts(apps):
    Payable = apps.get_model("payments", "Payable")
    Payment = apps.get_model("payments", "Payment")
    Refund = apps.get_model("payments", "Refund")
    Gift = apps.get_model("giftcards", "Gift")
    for gift in Gift.objects.order_by("pk"):
        paid = gift.status != "pending_payment"
        payable = Payable.objects.create(
            purpose="gift",
            key_prefix=f"gift-{gift.pk}",
            amount_cents=gift.amount_cents,
            currency=gift.currency,
            status="paid" if paid else "open",
            payer_name=gift.buyer_name,
            payer_email=gift.buyer_email,
            stripe_customer_id=gift.stripe_customer_id,
            paid_at=gift.issued_at if paid else None,
        )
        Gift.objects.filter(pk=gift.pk).update(payable=payable)

        def attempt(number, **fields):
            fields.setdefault("idempotency_key", f"gift-{gift.pk}-charge-{number}")
            fields.setdefault("sends", 1)
            return Payment.objects.create(
                payable=payable,
                attempt=number,
                off_session=False,
                amount_cents=gift.amount_cents,
                currency=gift.currency,
                **fields,
            )

        tried = gift.charge_attempts
        in_flight = not paid and gift.charge_started_at is not None
        # The attempt whose intent the gift kept: the one that paid, or (unpaid) the latest answered one.
        main_number = max(1, tried - 1 if in_flight else tried)
        main = None
        if paid or gift.stripe_payment_intent_id:
            if paid:
                status = "succeeded"
            elif gift.failure_message:
                status = "failed"
            else:
                status = "requires_action"
            main = attempt(
                main_number,
                status=status,
                stripe_payment_intent_id=gift.stripe_payment_intent_id,
                card_brand=gift.card_brand,
                card_last4=gift.card_last4,
                failure_message="" if paid else gift.failure_message,
                succeeded_at=gift.issued_at if paid else None,
            )
        used = {main_number} if main else set()
        if in_flight:
            number = max(tried, main_number + 1 if main else 1)
            attempt(number, status="pending", failure_message=UNANSWERED)
            used.add(number)
        # Earlier tries Stripe saw (declined without an intent we kept): their keys stay spent.
        for number in range(1, max(used | {tried, 0}) + 1):
            if number not in used:
                attempt(
                    number,
                    status="failed",
                    failure_message=(gift.failure_message or "Not completed.")[:300],
                )
                used.add(number)
        next_number = max(used | {0}) + 1
        for intent_id in gift.refunded_payment_intents or []:
            duplicate = attempt(
                next_number,
                idempotency_key=f"gift-{gift.pk}-paid-again-{intent_id}"[:80],
                status="duplicate",
                stripe_payment_intent_id=intent_id,
                refunded_cents=gift.amount_cents,
            )
            next_number += 1
            Refund.objects.create(
                payment=duplicate,
                amount_cents=gift.amount_cents,
                reason="duplicate",
                status="succeeded",
                attempts=1,
                idempotency_key=f"gift-{gift.pk}-duplicate-{intent_id}"[:80],
                succeeded_at=gift.updated_at,
            )
        if gift.status == "refunded" and main is not None:
            Payment.objects.filter(pk=main.pk).update(refunded_cents=gift.amount_cents)
            if gift.refunded_at:
                status = "succeeded"
            elif gift.refund_error:
                status = "failed"
            else:
                status = "pending"
            Refund.objects.create(
                payment=main,
                amount_cents=gift.amount_cents,
                reason="policy",
                note="Gift refunded before it was claimed",
                status=status,
                attempts=1 if (gift.refunded_at or gift.refund_error) else 0,
                last_error=gift.refund_error[:300],
                stripe_refund_id=gift.stripe_refund_id,
                idempotency_key=f"gift-{gift.pk}-refund",
                created_by_id=gift.refunded_by_id,
                succeeded_at=gift.refunded_at,
            )


def forwards(apps, schema_editor):
    _bookings(apps)
    _gifts(apps)


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0002_ledger'),
        ('bookings', '0005_booking_payable'),
        ('giftcards', '0002_gift_payable'),
    ]

    # Going back leaves the ledger rows as they are (the old columns come back empty): a path for an
    # empty database and for tests, not for real money state.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
