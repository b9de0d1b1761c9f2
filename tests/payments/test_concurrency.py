"""Money races against a real PostgreSQL and localstripe: threads, each with its own connection, released
at the same instant. Work queued for after commit runs for real here (transactional tests)."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from bookings import services as bookings
from bookings.models import Booking, BookingEvent
from notifications.models import Notification
from payments import gateway, services
from payments.models import Payment, Refund, WebhookEvent
from payments.services import PaymentError
from tests.concurrency import postgresql_only, race
from tests.factories import BookingFactory, StaffFactory
from tests.payments.helpers import DECLINES_ON_CHARGE, GOOD, give_card, of_booking, sdk, signed

pytestmark = [
    pytest.mark.django_db(transaction=True),
    postgresql_only,
]

Status = Booking.Status
PStatus = Payment.Status


def stripe_refunds(payment: Payment) -> list:
    return sdk().v1.refunds.list(params={"payment_intent": payment.stripe_payment_intent_id}).data


def paid(**kwargs) -> Booking:
    booking = BookingFactory(**kwargs)
    give_card(booking.seeker)
    bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)  # charged after commit
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED
    return booking


def test_webhook_delivered_five_times_at_once_has_one_effect(monkeypatch):
    booking = BookingFactory()
    give_card(booking.seeker)

    def die(**kwargs):
        raise RuntimeError("worker died")

    with monkeypatch.context() as patch:  # charged on Stripe; our record of it is lost
        patch.setattr("payments.services.sweep.payment_record", die)
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    payment = Payment.objects.get(**of_booking(booking))
    assert payment.status == PStatus.PENDING
    payload = sdk().v1.events.list(params={"type": "payment_intent.succeeded"}).data[0].to_dict()
    body, signature = signed(payload)
    reads = []
    real = gateway.payment_intent_get
    monkeypatch.setattr(gateway, "payment_intent_get", lambda pi: reads.append(pi) or real(pi))
    mail.outbox.clear()

    def deliver():
        return (
            Client()
            .post(
                reverse("payments:webhook"),
                data=body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=signature,
            )
            .status_code
        )

    results = race([deliver] * 5)
    assert results == [200] * 5, results
    assert WebhookEvent.objects.filter(stripe_event_id=payload["id"]).count() == 1
    assert len(reads) == 1
    booking.refresh_from_db()
    assert (booking.status, booking.amount_paid_cents) == (Status.CONFIRMED, 6500)
    assert BookingEvent.objects.filter(booking=booking, to_status=Status.CONFIRMED).count() == 1
    assert Payment.objects.get(pk=payment.pk).status == PStatus.SUCCEEDED
    assert Notification.objects.filter(key=f"booking-{booking.pk}-confirmed").count() == 1
    assert [m.subject for m in mail.outbox if m.to == [booking.seeker.user.email]] == [
        "Your session is confirmed"
    ]


def test_double_accept_at_once_charges_once():
    booking = BookingFactory()
    give_card(booking.seeker)
    accept = lambda: bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)  # noqa: E731
    results = race([accept, accept])
    assert all(isinstance(r, Booking) for r in results), results
    booking.refresh_from_db()
    assert (booking.status, booking.amount_paid_cents) == (Status.CONFIRMED, 6500)
    assert Payment.objects.filter(**of_booking(booking)).count() == 1
    assert len(sdk().v1.payment_intents.list().data) == 1


def test_double_cancel_at_once_refunds_once():
    booking = paid(hours_ahead=72)
    cancel = lambda: bookings.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)  # noqa: E731
    results = race([cancel, cancel])
    assert all(isinstance(r, Booking) for r in results), results
    refund = Refund.objects.get()
    assert (refund.amount_cents, refund.status) == (6500, Refund.Status.SUCCEEDED)
    payment = Payment.objects.get(**of_booking(booking), status=PStatus.SUCCEEDED)
    assert payment.refunded_cents == 6500
    assert [r.amount for r in stripe_refunds(payment)] == [6500]


def test_double_guarantee_at_once_refunds_once():
    booking = paid(hours_ahead=5)
    bookings.booking_complete(booking_id=booking.pk, now=booking.end)
    claim = lambda: bookings.booking_feedback(  # noqa: E731
        booking_id=booking.pk, seeker=booking.seeker, loved=False, now=booking.end + dt.timedelta(hours=1)
    )
    results = race([claim, claim, claim])
    assert all(isinstance(r, Booking) for r in results), results
    refund = Refund.objects.get()
    assert (refund.reason, refund.amount_cents, refund.status) == ("guarantee", 6500, Refund.Status.SUCCEEDED)
    assert [r.amount for r in stripe_refunds(refund.payment)] == [6500]


def test_staff_refunds_at_once_never_exceed_the_charge():
    booking = paid()
    payment = Payment.objects.get(**of_booking(booking), status=PStatus.SUCCEEDED)
    staff = StaffFactory()
    refund = lambda: services.refund_by_staff(payment_id=payment.pk, amount_cents=4000, staff=staff)  # noqa: E731
    results = race([refund, refund, refund])
    assert sum(isinstance(r, Refund) for r in results) == 1, results
    assert sum(isinstance(r, PaymentError) for r in results) == 2, results
    payment.refresh_from_db()
    assert payment.refunded_cents == 4000
    assert [r.amount for r in stripe_refunds(payment)] == [4000]


def test_pay_on_session_twice_at_once_charges_once():
    """A double click on "Pay": one try goes to Stripe, the other is refused or finds it paid."""
    booking = BookingFactory()
    give_card(booking.seeker, DECLINES_ON_CHARGE)
    bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    give_card(booking.seeker, GOOD)
    pay = lambda: bookings.booking_pay(booking_id=booking.pk, seeker=booking.seeker)  # noqa: E731
    results = race([pay, pay])
    paid_now = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, PaymentError)]
    assert (len(paid_now), len(refused)) == (1, 1), results
    assert refused[0].code in ("paid", "invalid")  # "already paid" or "already being processed"
    booking.refresh_from_db()
    assert (booking.status, booking.amount_paid_cents) == (Status.CONFIRMED, 6500)
    assert Payment.objects.filter(**of_booking(booking), off_session=False).count() == 1
    assert [i.status for i in sdk().v1.payment_intents.list().data].count("succeeded") == 1
