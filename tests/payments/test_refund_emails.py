"""Every refund of a session's fee tells the seeker the amount and when to expect it, once, through the
outbox; a full staff refund reads "refunded" on the booking. Real localstripe refunds, no mocks."""

import datetime as dt

import pytest

from bookings import services as bookings
from bookings.models import Booking
from notifications.models import Notification
from payments import services
from tests.factories import StaffFactory
from tests.payments.test_services import accepted, paid, the_payment  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

WHEN = "within 5 to 10 business days"


def refund_emails(mailoutbox, booking):
    return [
        m
        for m in mailoutbox
        if m.to == [booking.seeker.user.email] and m.subject == "Your refund is on its way"
    ]


def test_a_guarantee_claim_emails_the_amount_and_when_it_arrives_once(paid, after_commit, mailoutbox):  # noqa: F811
    booking = paid(hours_ahead=5)
    bookings.booking_complete(booking_id=booking.pk, now=booking.end)
    with after_commit():
        for _ in range(2):
            bookings.booking_feedback(
                booking_id=booking.pk,
                seeker=booking.seeker,
                loved=False,
                comment="",
                now=booking.end + dt.timedelta(days=1),
            )
    [email] = refund_emails(mailoutbox, booking)
    assert "We've refunded $65 to your card." in email.body
    assert WHEN in email.body
    assert "988" in email.body  # the crisis line, as in every email
    assert Notification.objects.filter(key__startswith=f"booking-{booking.pk}-refund-").count() == 1


def test_a_free_cancellation_says_the_refund_is_coming_then_confirms_it(paid, after_commit, mailoutbox):  # noqa: F811
    booking = paid(hours_ahead=72)
    with after_commit():
        bookings.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)
    cancelled = next(m for m in mailoutbox if m.subject == "Your session is cancelled")
    assert "We're refunding the full $65 to your card; it usually shows within 5 to 10 business days." in (
        cancelled.body
    )
    [refund] = refund_emails(mailoutbox, booking)
    assert "$65" in refund.body and WHEN in refund.body


def test_a_supporter_cancel_refund_emails_the_seeker(paid, after_commit, mailoutbox):  # noqa: F811
    booking = paid(hours_ahead=30)
    with after_commit():
        bookings.booking_cancel_by_supporter(booking_id=booking.pk, supporter=booking.supporter)
    [refund] = refund_emails(mailoutbox, booking)
    assert "$65" in refund.body and WHEN in refund.body


def test_staff_refunds_email_each_amount_and_a_full_one_reads_refunded(paid, after_commit, mailoutbox):  # noqa: F811
    booking = paid()
    payment, staff = the_payment(booking), StaffFactory()
    with after_commit():
        services.refund_by_staff(payment_id=payment.pk, amount_cents=2000, staff=staff)
    booking.refresh_from_db()
    assert booking.money != Booking.Money.REFUND_FULL  # part of the fee is still kept
    with after_commit():
        services.refund_by_staff(payment_id=payment.pk, amount_cents=4500, staff=staff)
    booking.refresh_from_db()
    assert booking.money == Booking.Money.REFUND_FULL
    bodies = [m.body for m in refund_emails(mailoutbox, booking)]
    assert len(bodies) == 2
    assert "We've refunded $20 to your card." in bodies[0] and "We've refunded $45 to your card." in bodies[1]
