"""Races against a real PostgreSQL and localstripe: threads, each with its own connection, at once."""

import pytest

from giftcards import services
from giftcards.models import Gift, SessionCredit
from payments import gateway
from payments import services as payments
from payments.models import Payment, WebhookEvent
from tests.concurrency import postgresql_only, race
from tests.factories import BookingFactory, SeekerFactory
from tests.giftcards.helpers import (
    claimed_gift,
    confirmed_setup,
    customer_of,
    new_gift,
    paid_intent_id,
    token_in,
)
from tests.payments.helpers import sdk, webhook_says

pytestmark = [
    pytest.mark.django_db(transaction=True),
    postgresql_only,
]


def charged_but_not_recorded(sessions: int = 2) -> tuple[Gift, str]:
    """A gift whose charge succeeded on Stripe and is not recorded yet (its attempt row is written, the
    answer lost): what webhook deliveries and the synchronous path all race to record."""
    gift = new_gift(sessions=sessions)
    setup = confirmed_setup(gift)
    gift.refresh_from_db()
    _status, _customer, method = gateway.setup_intent_get(setup)
    attempt = Payment.objects.create(
        payable_id=gift.payable_id,
        attempt=1,
        off_session=False,
        amount_cents=gift.amount_cents,
        idempotency_key=f"gift-{gift.pk}-charge-1",
        sends=1,
    )
    intent = sdk().v1.payment_intents.create(
        params={
            "amount": gift.amount_cents,
            "currency": "usd",
            "customer": customer_of(gift),
            "payment_method": method,
            "confirm": True,
            "metadata": {"payable": f"gift-{gift.pk}", "payment_id": str(attempt.pk)},
        }
    )
    assert intent.status == "succeeded"
    return gift, intent.id


def record(intent_id: str) -> Payment:
    """What the pay page's check and the webhook both do: ask Stripe, record it in the ledger."""
    payment = Payment.objects.get(idempotency_key__endswith="-charge-1", payable__purpose="gift")
    return payments.payment_record(payment_id=payment.pk, intent=gateway.payment_intent_get(intent_id))


def test_eight_concurrent_success_calls_issue_the_gift_once(mailoutbox):
    gift, intent_id = charged_but_not_recorded(sessions=2)
    results = race([lambda: record(intent_id) for _ in range(4)] + [lambda: deliver(intent_id)] * 4)
    assert all(isinstance(r, Payment | WebhookEvent) for r in results), results
    gift.refresh_from_db()
    assert gift.status == Gift.Status.DELIVERED and paid_intent_id(gift) == intent_id
    assert SessionCredit.objects.filter(gift=gift).count() == 2
    assert [m.subject for m in mailoutbox].count("Your gift receipt") == 1
    assert [m.to for m in mailoutbox].count(["jamie@example.com"]) == 1
    assert not sdk().v1.refunds.list(params={"payment_intent": intent_id}).data


def test_two_accounts_racing_for_one_link_one_wins(mailoutbox):
    gift, intent_id = charged_but_not_recorded(sessions=3)
    record(intent_id)
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
    results = race([lambda b=b: services.credit_take(seeker=seeker, booking_id=b.pk) for b in bookings])
    taken = [r for r in results if isinstance(r, SessionCredit)]
    assert len(taken) == 1 and results.count(None) == 9, results
    assert services.credits_available(seeker=seeker) == 0
    assert SessionCredit.objects.filter(seeker=seeker).count() == 1
    assert SessionCredit.objects.filter(seeker=seeker, status="held").count() == 1


def test_ten_concurrent_bookings_on_a_three_session_gift_take_three_different_credits():
    seeker = SeekerFactory()
    claimed_gift(seeker, sessions=3)
    bookings = [BookingFactory(seeker=seeker, hours_ahead=30 + 2 * i, status="requested") for i in range(10)]
    results = race([lambda b=b: services.credit_take(seeker=seeker, booking_id=b.pk) for b in bookings])
    taken = [r for r in results if isinstance(r, SessionCredit)]
    assert len(taken) == 3 and results.count(None) == 7, results
    assert len({c.pk for c in taken}) == 3 and len({c.booking_id for c in taken}) == 3
    assert services.credits_available(seeker=seeker) == 0


def test_the_same_booking_taking_twice_at_once_holds_one_credit():
    seeker = SeekerFactory()
    claimed_gift(seeker, sessions=3)
    booking = BookingFactory(seeker=seeker, status="requested")
    results = race([lambda: services.credit_take(seeker=seeker, booking_id=booking.pk) for _ in range(4)])
    assert all(isinstance(r, SessionCredit) for r in results), results
    assert {r.pk for r in results} == {SessionCredit.objects.get(booking_id=booking.pk).pk}
    assert services.credits_available(seeker=seeker) == 2


def deliver(intent_id: str) -> WebhookEvent:
    """Stripe's payment_intent.succeeded, delivered under the same event id each time."""
    return webhook_says("payment_intent.succeeded", {"id": intent_id}, event_id=f"evt_{intent_id}")


def test_a_double_click_on_pay_for_a_gift_charges_once_through_the_shared_ledger(mailoutbox):
    """Two pay requests for one gift at once, the same card: the ledger's one-attempt-at-a-time rule and
    its one-success constraint hold for gifts as for sessions: one charge, one gift issued."""
    gift = new_gift(sessions=2)
    setup = confirmed_setup(gift)
    results = race([lambda: services.gift_pay(gift_id=gift.pk, setup_intent_id=setup)] * 2)
    paid = [r for r in results if isinstance(r, services.PayResult) and r.status == "paid"]
    refused = [r for r in results if isinstance(r, services.GiftError)]
    assert len(paid) + len(refused) == 2 and len(paid) >= 1, results
    assert all("already being processed" in r.message for r in refused), results
    gift.refresh_from_db()
    assert gift.status == Gift.Status.DELIVERED
    succeeded = Payment.objects.filter(payable_id=gift.payable_id, status=Payment.Status.SUCCEEDED)
    assert succeeded.count() == 1
    intents = [
        i
        for i in sdk().v1.payment_intents.list(params={"limit": 100}).data
        if (i.metadata.to_dict() if i.metadata else {}).get("payable") == f"gift-{gift.pk}"
    ]
    assert [i.status for i in intents].count("succeeded") == 1
    assert SessionCredit.objects.filter(gift=gift).count() == 2
    assert [m.subject for m in mailoutbox].count("Your gift receipt") == 1
