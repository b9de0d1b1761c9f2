"""The data migration into the ledger (payments 0003), forwards, on a database holding every kind of
money state there was: gifts unpaid, being paid, paid, paid twice and refunded, refunded by staff
(succeeded, failed, not sent), and bookings with attempts, refunds and disputes. Rows are written with the
historical models of the state before the migration, then the migration runs for real."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.migrations import migrate_forward, migrated_back_to

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("payments", "0002_ledger"),
    ("bookings", "0005_booking_payable"),
    ("giftcards", "0002_gift_payable"),
]


@pytest.fixture
def old_state():
    """Migrate back to just before the ledger data move; yield the historical apps; go forward again."""
    with migrated_back_to(BEFORE) as apps:
        yield apps


def test_every_gift_and_booking_money_state_moves_into_the_ledger(old_state):
    apps = old_state
    User = apps.get_model("accounts", "User")
    Seeker = apps.get_model("seekers", "SeekerProfile")
    Supporter = apps.get_model("supporters", "SupporterProfile")
    Slot = apps.get_model("supporters", "Slot")
    Booking = apps.get_model("bookings", "Booking")
    Payment = apps.get_model("payments", "Payment")
    Refund = apps.get_model("payments", "Refund")
    Gift = apps.get_model("giftcards", "Gift")
    now = timezone.now().replace(microsecond=0)

    def user(email):
        return User.objects.create(email=email, password="!", time_zone="America/Los_Angeles")

    seeker = Seeker.objects.create(user=user("seeker@example.com"))
    supporter = Supporter.objects.create(
        user=user("supporter@example.com"), display_name="Jess", time_zone="America/Los_Angeles"
    )
    staff = user("staff@example.com")

    def booking(hours, status, **fields):
        start = (now + dt.timedelta(hours=hours)).replace(minute=0, second=0)
        slot = Slot.objects.create(supporter=supporter, start=start, end=start + dt.timedelta(minutes=50))
        return Booking.objects.create(
            seeker=seeker,
            supporter=supporter,
            slot=slot,
            start=slot.start,
            end=slot.end,
            status=status,
            requested_at=now,
            respond_by=now + dt.timedelta(hours=1),
            price_cents=6500,
            **fields,
        )

    def attempt(b, n, status, **fields):
        return Payment.objects.create(
            booking=b,
            seeker=seeker,
            attempt=n,
            amount_cents=6500,
            status=status,
            idempotency_key=f"booking-{b.pk}-charge-{n}",
            **fields,
        )

    # Bookings: paid and refunded by policy and by staff, disputed; waiting with a failed attempt;
    # released after a late success refunded; waiting with no attempt yet; paid with a credit (no money).
    paid = booking(30, "cancelled", amount_paid_cents=6500, money="refund_full")
    paid_attempt = attempt(
        paid,
        1,
        "succeeded",
        stripe_payment_intent_id="pi_b1",
        refunded_cents=6500,
        succeeded_at=now,
        disputed_at=now,
        card_brand="visa",
        card_last4="4242",
    )
    Refund.objects.create(
        payment=paid_attempt,
        amount_cents=6000,
        reason="policy",
        status="succeeded",
        idempotency_key=f"refund-{paid_attempt.pk}-1",
        stripe_refund_id="re_b1",
        succeeded_at=now,
    )
    Refund.objects.create(
        payment=paid_attempt,
        amount_cents=500,
        reason="staff",
        status="failed",
        last_error="card closed",
        idempotency_key=f"refund-{paid_attempt.pk}-2",
        created_by=staff,
        attempts=2,
    )
    waiting = booking(40, "payment_pending", payment_due_by=now + dt.timedelta(hours=5))
    attempt(waiting, 1, "failed", stripe_payment_intent_id="pi_b2", failure_message="Declined")
    released = booking(50, "released", ended_at=now)
    attempt(released, 1, "canceled", stripe_payment_intent_id="pi_b3")
    late = attempt(
        released, 2, "duplicate", off_session=False, stripe_payment_intent_id="pi_b4", refunded_cents=6500
    )
    Refund.objects.create(
        payment=late,
        amount_cents=6500,
        reason="late_payment",
        status="pending",
        idempotency_key=f"refund-{late.pk}-1",
    )
    not_charged_yet = booking(60, "payment_pending")
    credit_paid = booking(70, "confirmed", paid_with_credit=True, money="charge")

    # Gifts in every state.
    def gift(**fields):
        values = dict(
            buyer_name="Sam",
            buyer_email="sam@example.com",
            recipient_name="Jamie",
            recipient_email="jamie@example.com",
            sessions=2,
            amount_cents=13000,
            stripe_customer_id="cus_g",
        )
        values.update(fields)
        return Gift.objects.create(**values)

    unpaid = gift(stripe_customer_id="")
    declined = gift(charge_attempts=2, stripe_payment_intent_id="pi_g_declined", failure_message="Declined")
    in_flight = gift(charge_attempts=2, stripe_payment_intent_id="pi_g_first", charge_started_at=now)
    paid_gift = gift(
        status="delivered",
        issued_at=now,
        charge_attempts=1,
        stripe_payment_intent_id="pi_g_paid",
        card_brand="visa",
        card_last4="4242",
    )
    paid_twice = gift(
        status="claimed",
        issued_at=now,
        charge_attempts=2,
        stripe_payment_intent_id="pi_g_main",
        refunded_payment_intents=["pi_g_second"],
        claimed_at=now,
        claimed_by=seeker,
    )
    refunded = gift(
        status="refunded",
        issued_at=now,
        charge_attempts=1,
        stripe_payment_intent_id="pi_g_ref",
        refund_requested_at=now,
        refunded_at=now,
        stripe_refund_id="re_g",
        refunded_by=staff,
    )
    refund_failed = gift(
        status="refunded",
        issued_at=now,
        charge_attempts=1,
        stripe_payment_intent_id="pi_g_ref2",
        refund_requested_at=now,
        refund_error="Stripe says failed",
    )
    refund_unsent = gift(
        status="refunded",
        issued_at=now,
        charge_attempts=1,
        stripe_payment_intent_id="pi_g_ref3",
        refund_requested_at=now,
    )

    apps = migrate_forward()
    Booking = apps.get_model("bookings", "Booking")
    Gift = apps.get_model("giftcards", "Gift")
    Payable = apps.get_model("payments", "Payable")
    Payment = apps.get_model("payments", "Payment")
    Refund = apps.get_model("payments", "Refund")

    def payable_of(model, pk):
        return Payable.objects.get(pk=model.objects.get(pk=pk).payable_id)

    def rows(payable):
        return [
            (p.attempt, p.status, p.stripe_payment_intent_id, p.refunded_cents, p.idempotency_key)
            for p in Payment.objects.filter(payable=payable).order_by("attempt")
        ]

    # Bookings: every attempt kept with its status, intent, key, refunds and dispute.
    p = payable_of(Booking, paid.pk)
    assert (p.purpose, p.key_prefix, p.status, p.amount_cents, p.seeker_id) == (
        "booking",
        f"booking-{paid.pk}",
        "paid",
        6500,
        seeker.pk,
    )
    assert rows(p) == [(1, "succeeded", "pi_b1", 6500, f"booking-{paid.pk}-charge-1")]
    moved = Payment.objects.get(payable=p)
    assert (moved.pk, moved.disputed_at, moved.card_last4) == (paid_attempt.pk, now, "4242")
    assert sorted(
        Refund.objects.filter(payment=moved).values_list("reason", "amount_cents", "status", "last_error")
    ) == [
        ("policy", 6000, "succeeded", ""),
        ("staff", 500, "failed", "card closed"),
    ]
    p = payable_of(Booking, waiting.pk)
    assert (p.status, rows(p)) == ("open", [(1, "failed", "pi_b2", 0, f"booking-{waiting.pk}-charge-1")])
    p = payable_of(Booking, released.pk)
    assert p.status == "closed"
    assert [r[:4] for r in rows(p)] == [(1, "canceled", "pi_b3", 0), (2, "duplicate", "pi_b4", 6500)]
    assert Refund.objects.get(payment__payable=p).status == "pending"  # still to be sent, same key
    assert (
        payable_of(Booking, not_charged_yet.pk).status,
        rows(payable_of(Booking, not_charged_yet.pk)),
    ) == (
        "open",
        # Its charge task was lost: bookings 0006 writes its "charge wanted" attempt, for the money sweep.
        [(1, "pending", None, 0, f"booking-{not_charged_yet.pk}-charge-1")],
    )
    assert Booking.objects.get(pk=credit_paid.pk).payable_id is None
    assert Payment.objects.filter(payable__purpose="booking").count() == 5

    # Gifts.
    p = payable_of(Gift, unpaid.pk)
    assert (p.purpose, p.key_prefix, p.status, p.amount_cents, p.payer_email, rows(p)) == (
        "gift",
        f"gift-{unpaid.pk}",
        "open",
        13000,
        "sam@example.com",
        [],
    )
    p = payable_of(Gift, declined.pk)
    assert (p.status, p.stripe_customer_id) == ("open", "cus_g")
    assert [r[:3] for r in rows(p)] == [(1, "failed", None), (2, "failed", "pi_g_declined")]
    p = payable_of(Gift, in_flight.pk)
    assert [r[:3] for r in rows(p)] == [(1, "requires_action", "pi_g_first"), (2, "pending", None)]
    p = payable_of(Gift, paid_gift.pk)
    assert (p.status, p.paid_at) == ("paid", now)
    assert rows(p) == [(1, "succeeded", "pi_g_paid", 0, f"gift-{paid_gift.pk}-charge-1")]
    assert Payment.objects.get(payable=p).card_last4 == "4242"
    p = payable_of(Gift, paid_twice.pk)
    assert [r[:4] for r in rows(p)] == [
        (1, "failed", None, 0),
        (2, "succeeded", "pi_g_main", 0),
        (3, "duplicate", "pi_g_second", 13000),
    ]
    duplicate_refund = Refund.objects.get(payment__payable=p)
    assert (duplicate_refund.reason, duplicate_refund.status, duplicate_refund.amount_cents) == (
        "duplicate",
        "succeeded",
        13000,
    )
    for g, status, error in [
        (refunded, "succeeded", ""),
        (refund_failed, "failed", "Stripe says failed"),
        (refund_unsent, "pending", ""),
    ]:
        p = payable_of(Gift, g.pk)
        [paid_row] = rows(p)
        assert paid_row[1:4] == ("succeeded", g.stripe_payment_intent_id, 13000)
        refund = Refund.objects.get(payment__payable=p)
        assert (
            refund.reason,
            refund.amount_cents,
            refund.status,
            refund.last_error,
            refund.idempotency_key,
        ) == (
            "policy",
            13000,
            status,
            error,
            f"gift-{g.pk}-refund",
        )
    assert Refund.objects.get(payment__payable=payable_of(Gift, refunded.pk)).stripe_refund_id == "re_g"
    assert Refund.objects.get(payment__payable=payable_of(Gift, refunded.pk)).created_by_id == staff.pk
    # Every gift has exactly one payable; no two gifts share one.
    assert Gift.objects.filter(payable=None).count() == 0
    assert Payable.objects.filter(purpose="gift").count() == Gift.objects.count() == 8
