"""The domain-event registry (peersnet.kernel.events) and the events the core announces: who announces
what, when, and that handlers run inside the announcer's transaction."""

from dataclasses import FrozenInstanceError, dataclass

import pytest
from django.db import transaction

from bookings import services as bookings
from bookings.events import BookingConfirmed, BookingEnded, SessionCompleted
from bookings.models import Booking
from giftcards.models import Gift
from payments.events import PaymentDisputed, PaymentFailed, PaymentRefunded, PaymentSucceeded
from payments.models import Payment
from peersnet.kernel import events
from tests.factories import BookingFactory
from tests.payments.helpers import DECLINES_ON_CHARGE, give_card, sdk, webhook_says

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Pinged(events.Event):
    n: int


@pytest.fixture
def heard(monkeypatch):
    """Listen to event types for one test: ``heard(EventType)`` returns the list the events land in."""
    monkeypatch.setattr(events, "_handlers", {k: list(v) for k, v in events._handlers.items()})
    lists: dict[type, list] = {}

    def listen(event_type):
        lists[event_type] = []
        events.register(event_type, lists[event_type].append)
        return lists[event_type]

    return listen


def test_announce_calls_the_registered_handlers_in_order_once_each(heard):
    got = heard(Pinged)
    also: list = []
    events.register(Pinged, also.append)
    events.register(Pinged, also.append)  # a second ready() registers nothing more
    events.announce(Pinged(n=1))
    assert got == [Pinged(n=1)] and also == [Pinged(n=1)]
    with pytest.raises(FrozenInstanceError):
        got[0].n = 2
    with pytest.raises(TypeError):
        events.register(str, print)
    with pytest.raises(TypeError):
        events.announce("not an event")


def test_a_handler_runs_in_the_announcers_transaction_and_rolls_back_with_it(heard):
    def write(event):
        BookingFactory()
        raise RuntimeError("the handler failed")

    events.register(Pinged, write)
    with pytest.raises(RuntimeError), transaction.atomic():
        events.announce(Pinged(n=1))
    assert not Booking.objects.exists()


def test_the_apps_register_their_handlers_when_ready():
    names = {h.__module__ + "." + h.__name__ for h in events.handlers_for(PaymentSucceeded)}
    assert names == {
        "bookings.handlers.on_payment_succeeded",
        "giftcards.services.purchase.on_payment_succeeded",
    }
    assert {h.__module__ for h in events.handlers_for(PaymentFailed)} == {"bookings.handlers"}


def test_booking_events_are_announced_at_their_transitions(heard, after_commit):
    confirmed, completed, ended = heard(BookingConfirmed), heard(SessionCompleted), heard(BookingEnded)
    booking = BookingFactory(hours_ahead=5)
    give_card(booking.seeker)
    with after_commit():
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)  # charged, then confirmed
    assert confirmed == [BookingConfirmed(booking_id=booking.pk)] and completed == [] and ended == []
    bookings.booking_complete(booking_id=booking.pk, now=booking.end)
    assert completed == [SessionCompleted(booking_id=booking.pk)] and ended == []
    declined = BookingFactory(hours_ahead=40)
    bookings.booking_decline(booking_id=declined.pk, supporter=declined.supporter)
    assert ended == [BookingEnded(booking_id=declined.pk, status="declined", money="nothing")]
    assert len(confirmed) == 1


def test_payments_announces_success_failure_and_refund_with_the_purpose(heard, after_commit):
    succeeded, failed, refunded = heard(PaymentSucceeded), heard(PaymentFailed), heard(PaymentRefunded)
    unpaid = BookingFactory()
    give_card(unpaid.seeker, DECLINES_ON_CHARGE)
    with after_commit():
        bookings.booking_accept(booking_id=unpaid.pk, supporter=unpaid.supporter)
    unpaid.refresh_from_db()
    assert [(e.purpose, e.payable_id, e.off_session) for e in failed] == [
        ("booking", unpaid.payable_id, True)
    ]
    booking = BookingFactory(hours_ahead=80)
    give_card(booking.seeker)
    with after_commit():
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    with after_commit():
        bookings.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)
    booking.refresh_from_db()
    assert [(e.purpose, e.payable_id, e.amount_cents) for e in succeeded] == [
        ("booking", booking.payable_id, 6500)
    ]
    assert [(e.purpose, e.payable_id, e.amount_cents, e.reason) for e in refunded] == [
        ("booking", booking.payable_id, 6500, "policy")
    ]
    assert Gift.PAYABLE_PURPOSE != Booking.PAYABLE_PURPOSE


def test_a_dispute_is_announced_once_with_the_purpose(heard, after_commit):
    disputed = heard(PaymentDisputed)
    booking = BookingFactory()
    give_card(booking.seeker)
    with after_commit():
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    booking.refresh_from_db()
    payment = Payment.objects.get(payable_id=booking.payable_id)
    charge_id = sdk().v1.payment_intents.retrieve(payment.stripe_payment_intent_id).latest_charge.id
    dispute = {"id": "dp_ev", "object": "dispute", "charge": charge_id}
    with after_commit():
        webhook_says("charge.dispute.created", dispute, event_id="evt_dp_a")
        webhook_says("charge.dispute.created", dispute, event_id="evt_dp_b")  # another event, same dispute
    assert disputed == [
        PaymentDisputed(payable_id=booking.payable_id, purpose="booking", payment_id=payment.pk)
    ]
