"""Races against a real PostgreSQL and localstripe: threads, each with its own connection, at once."""

import pytest

from giftcards import services
from giftcards.models import Gift, SessionCredit
from payments import gateway
from tests.concurrency import postgresql_only, race
from tests.factories import BookingFactory, SeekerFactory
from tests.giftcards.helpers import claimed_gift, confirmed_setup, new_gift, token_in
from tests.payments.helpers import sdk

pytestmark = [
    pytest.mark.django_db(transaction=True),
    postgresql_only,
]


def charged_but_not_recorded(sessions: int = 2) -> tuple[Gift, str]:
    """A gift whose charge succeeded on Stripe and is not recorded yet: what two webhook deliveries and
    the synchronous path all race to issue."""
    gift = new_gift(sessions=sessions)
    setup = confirmed_setup(gift)
    gift.refresh_from_db()
    _status, _customer, method = gateway.setup_intent_get(setup)
    intent = sdk().v1.payment_intents.create(
        params={
            "amount": gift.amount_cents,
            "currency": "usd",
            "customer": gift.stripe_customer_id,
            "payment_method": method,
            "confirm": True,
            "metadata": {"gift_id": str(gift.pk)},
        }
    )
    assert intent.status == "succeeded"
    return gift, intent.id


def test_eight_concurrent_success_calls_issue_the_gift_once(mailoutbox):
    gift, intent_id = charged_but_not_recorded(sessions=2)
    results = race([lambda: services.gift_payment_succeeded(payment_intent_id=intent_id) for _ in range(8)])
    assert all(isinstance(r, Gift) and r.pk == gift.pk for r in results), results
    gift.refresh_from_db()
    assert gift.status == Gift.Status.DELIVERED and gift.stripe_payment_intent_id == intent_id
    assert SessionCredit.objects.filter(gift=gift).count() == 2
    assert [m.subject for m in mailoutbox].count("Your gift receipt") == 1
    assert [m.to for m in mailoutbox].count(["jamie@example.com"]) == 1
    assert not sdk().v1.refunds.list(params={"payment_intent": intent_id}).data


def test_two_accounts_racing_for_one_link_one_wins(mailoutbox):
    gift, intent_id = charged_but_not_recorded(sessions=3)
    services.gift_payment_succeeded(payment_intent_id=intent_id)
    token = token_in(mailoutbox, "jamie@example.com")
    first, second = SeekerFactory(), SeekerFactory()
    results = race([lambda s=s: services.gift_claim(token=token, seeker=s) for s in (first, second)])
    won = [r for r in results if isinstance(r, Gift)]
    lost = [r for r in results if isinstance(r, services.GiftLinkInvalid)]
    assert len(won) == 1 and len(lost) == 1, results
    winner = won[0].claimed_by
    assert Gift.objects.get(pk=gift.pk).claimed_by == winner
    assert services.credits_available(seeker=winner) == 3
    loser = second if winner == first else first
    assert services.credits_available(seeker=loser) == 0


def test_ten_concurrent_bookings_on_a_one_session_gift_take_exactly_one_credit():
    seeker = SeekerFactory()
    claimed_gift(seeker, sessions=1)
    bookings = [BookingFactory(seeker=seeker, hours_ahead=30 + 2 * i, status="requested") for i in range(10)]
    results = race([lambda b=b: services.credit_take(seeker=seeker, booking=b) for b in bookings])
    taken = [r for r in results if isinstance(r, SessionCredit)]
    assert len(taken) == 1 and results.count(None) == 9, results
    assert services.credits_available(seeker=seeker) == 0
    assert SessionCredit.objects.filter(seeker=seeker).count() == 1
    assert SessionCredit.objects.filter(seeker=seeker, status="held").count() == 1


def test_ten_concurrent_bookings_on_a_three_session_gift_take_three_different_credits():
    seeker = SeekerFactory()
    claimed_gift(seeker, sessions=3)
    bookings = [BookingFactory(seeker=seeker, hours_ahead=30 + 2 * i, status="requested") for i in range(10)]
    results = race([lambda b=b: services.credit_take(seeker=seeker, booking=b) for b in bookings])
    taken = [r for r in results if isinstance(r, SessionCredit)]
    assert len(taken) == 3 and results.count(None) == 7, results
    assert len({c.pk for c in taken}) == 3 and len({c.booking_id for c in taken}) == 3
    assert services.credits_available(seeker=seeker) == 0


def test_the_same_booking_taking_twice_at_once_holds_one_credit():
    seeker = SeekerFactory()
    claimed_gift(seeker, sessions=3)
    booking = BookingFactory(seeker=seeker, status="requested")
    results = race([lambda: services.credit_take(seeker=seeker, booking=booking) for _ in range(4)])
    assert all(isinstance(r, SessionCredit) for r in results), results
    assert {r.pk for r in results} == {SessionCredit.objects.get(booking=booking).pk}
    assert services.credits_available(seeker=seeker) == 2
