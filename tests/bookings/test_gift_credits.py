"""Bookings paid with a gift session credit: taken on acceptance, given back whenever a card payment
would be refunded, used for good when the fee would be kept."""

import datetime as dt

import pytest
from django.utils import timezone

from bookings import services
from bookings.models import Booking
from giftcards.models import SessionCredit
from giftcards.services import credit_take, credits_available
from payments.models import Payment
from tests.factories import BookingFactory
from tests.giftcards.helpers import claimed_gift, subjects

pytestmark = pytest.mark.django_db

Status = Booking.Status


def accepted_with_credit(hours_ahead=72, sessions=1):
    booking = BookingFactory(hours_ahead=hours_ahead)
    claimed_gift(booking.seeker, sessions=sessions)
    services.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    booking.refresh_from_db()
    return booking


def credit_status(booking) -> str:
    return SessionCredit.objects.get(gift__claimed_by=booking.seeker).status


def test_accept_with_a_credit_confirms_without_charging(django_capture_on_commit_callbacks, mailoutbox):
    booking = BookingFactory()
    claimed_gift(booking.seeker, sessions=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
        services.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    booking.refresh_from_db()
    assert (booking.status, booking.paid_with_credit, booking.amount_paid_cents) == (
        Status.CONFIRMED,
        True,
        0,
    )
    assert booking.payable is None and not Payment.objects.exists()
    assert credits_available(seeker=booking.seeker) == 1
    assert "Your session is confirmed" in [m.subject for m in mailoutbox]


def test_seeker_cancel_at_least_24h_ahead_returns_the_credit():
    booking = accepted_with_credit()
    services.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)
    booking.refresh_from_db()
    assert (booking.status, booking.money) == (Status.CANCELLED, Booking.Money.REFUND_FULL)
    assert credits_available(seeker=booking.seeker) == 1


def test_late_cancel_uses_the_credit():
    booking = accepted_with_credit(hours_ahead=10)
    services.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)
    booking.refresh_from_db()
    assert (booking.status, booking.money) == (Status.LATE_CANCELLED, Booking.Money.KEEP_FEE)
    assert credits_available(seeker=booking.seeker) == 0
    assert credit_status(booking) == SessionCredit.Status.USED


def test_supporter_cancel_returns_the_credit():
    booking = accepted_with_credit()
    services.booking_cancel_by_supporter(booking_id=booking.pk, supporter=booking.supporter)
    assert credits_available(seeker=booking.seeker) == 1


def test_completed_session_uses_it_and_the_guarantee_gives_it_back():
    booking = accepted_with_credit(hours_ahead=5)
    services.booking_complete(booking_id=booking.pk, now=booking.end)
    assert credit_status(booking) == SessionCredit.Status.USED
    services.booking_feedback(booking_id=booking.pk, seeker=booking.seeker, loved=False, now=booking.end)
    booking.refresh_from_db()
    assert booking.status == Status.REFUNDED
    assert credits_available(seeker=booking.seeker) == 1


def test_seeker_no_show_uses_it_and_supporter_no_show_returns_it(django_user_model):
    kept = accepted_with_credit(hours_ahead=5)
    services.booking_mark_seeker_no_show(
        booking_id=kept.pk, supporter=kept.supporter, now=kept.start + dt.timedelta(minutes=15)
    )
    assert credit_status(kept) == SessionCredit.Status.USED
    given_back = accepted_with_credit(hours_ahead=7)
    staff = django_user_model.objects.create_user(email="ops@example.com", is_staff=True)
    services.booking_confirm_supporter_no_show(
        booking_id=given_back.pk, staff=staff, now=given_back.start + dt.timedelta(minutes=15)
    )
    assert credits_available(seeker=given_back.seeker) == 1


def test_declined_or_expired_requests_never_take_a_credit():
    declined, expired = BookingFactory(), BookingFactory(hours_ahead=80)
    for booking in (declined, expired):
        claimed_gift(booking.seeker)
    services.booking_decline(booking_id=declined.pk, supporter=declined.supporter)
    services.booking_expire(booking_id=expired.pk, now=expired.respond_by)
    assert credits_available(seeker=declined.seeker) == 1
    assert credits_available(seeker=expired.seeker) == 1
    assert not SessionCredit.objects.exclude(booking=None).exists()


def test_without_credits_left_accept_falls_back_to_the_card(django_capture_on_commit_callbacks):
    first = BookingFactory()
    claimed_gift(first.seeker, sessions=1)
    second = BookingFactory(seeker=first.seeker, hours_ahead=90)
    services.booking_accept(booking_id=first.pk, supporter=first.supporter)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_accept(booking_id=second.pk, supporter=second.supporter, now=timezone.now())
    second.refresh_from_db()
    assert (second.paid_with_credit, second.status) == (False, Status.PAYMENT_PENDING)  # no card: pay-now


def _end_as(booking, status: str, staff) -> None:
    """Bring an accepted booking to ``status`` the way people do, through the booking services."""
    after_start = booking.start + dt.timedelta(minutes=15)
    if status == "completed":
        services.booking_complete(booking_id=booking.pk, now=booking.end)
    elif status in ("late_cancelled", "cancelled"):
        services.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)
    elif status == "seeker_no_show":
        services.booking_mark_seeker_no_show(
            booking_id=booking.pk, supporter=booking.supporter, now=after_start
        )
    elif status == "supporter_no_show":
        services.booking_confirm_supporter_no_show(booking_id=booking.pk, staff=staff, now=after_start)
    elif status == "cancelled_by_supporter":
        services.booking_cancel_by_supporter(booking_id=booking.pk, supporter=booking.supporter)


@pytest.mark.parametrize(
    ("status", "hours_ahead", "used"),
    [
        ("completed", 5, True),
        ("late_cancelled", 10, True),
        ("seeker_no_show", 5, True),
        ("supporter_no_show", 5, False),
        ("confirmed", 72, False),
        ("cancelled", 72, False),
        ("cancelled_by_supporter", 72, False),
    ],
)
def test_the_credit_is_used_only_when_the_booking_keeps_its_fee(status, hours_ahead, used, django_user_model):
    """Moved from the giftcards tests: giftcards no longer reads booking statuses; bookings decides the
    money outcome and settles or returns the credit. Held until then, returned when refunded."""
    booking = accepted_with_credit(hours_ahead=hours_ahead, sessions=2)
    staff = django_user_model.objects.create_user(email="ops@example.com", is_staff=True)
    _end_as(booking, status, staff)
    credit = (
        SessionCredit.objects.get(gift__claimed_by=booking.seeker, taken_at__isnull=False) if used else None
    )
    if used:
        assert credit.status == SessionCredit.Status.USED
        assert credits_available(seeker=booking.seeker) == 1
    else:
        assert not SessionCredit.objects.filter(status=SessionCredit.Status.USED).exists()
        held = 1 if status == "confirmed" else 0
        assert SessionCredit.objects.filter(status=SessionCredit.Status.HELD).count() == held
        assert credits_available(seeker=booking.seeker) == 2 - held


def test_credits_settle_due_settles_what_a_transition_forgot(django_capture_on_commit_callbacks, mailoutbox):
    """The periodic safety net (moved here from giftcards: it reads the booking's decided outcome)."""
    booking = BookingFactory(status=Status.CONFIRMED, amount_paid_cents=0, paid_with_credit=True)
    claimed_gift(booking.seeker, sessions=1)
    credit = credit_take(seeker=booking.seeker, booking_id=booking.pk)
    Booking.objects.filter(pk=booking.pk).update(status="completed", money=Booking.Money.KEEP_FEE)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.credits_settle_due() == 1
        assert services.credits_settle_due() == 0
    credit.refresh_from_db()
    assert credit.status == SessionCredit.Status.USED
    assert subjects(mailoutbox) == ["All your gift sessions have been used"]
