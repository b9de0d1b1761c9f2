"""The database refuses gifts and credits that break the rules, whatever code writes them."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from giftcards.models import Gift, GiftPrice, SessionCredit
from giftcards.tokens import TOKEN_RE, token_hash, token_hash_or_none, token_new
from tests.factories import BookingFactory, PayableFactory, SeekerFactory
from tests.giftcards.helpers import claimed_gift

pytestmark = pytest.mark.django_db


def gift(**fields) -> Gift:
    values = {
        "buyer_name": "Sam",
        "buyer_email": "sam@example.com",
        "recipient_name": "Jamie",
        "recipient_email": "jamie@example.com",
        "sessions": 1,
        "amount_cents": 6500,
    }
    values.update(fields)
    return Gift.objects.create(**values)


def refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.mark.parametrize("sessions", [0, 11])
def test_gift_sessions_must_be_between_one_and_ten(sessions):
    refused(lambda: gift(sessions=sessions))
    assert gift(sessions=10).sessions == 10


def test_gift_amount_must_be_positive():
    refused(lambda: gift(amount_cents=0))


def test_gift_message_is_at_most_a_thousand_characters():
    refused(lambda: gift(message="x" * 1001))
    assert len(gift(message="x" * 1000).message) == 1000


def test_a_claimed_gift_names_its_claimer_and_a_paid_gift_its_issue_time():
    refused(lambda: gift(status=Gift.Status.CLAIMED, issued_at=timezone.now()))
    refused(lambda: gift(status=Gift.Status.PAID))


def test_a_payable_pays_one_gift_and_a_token_opens_one_gift():
    """A gift's money is its payable in the ledger (whose PaymentIntents are unique there)."""
    payable = PayableFactory(purpose=Gift.PAYABLE_PURPOSE, amount_cents=6500)
    gift(payable=payable, token_hash="a" * 64)
    refused(lambda: gift(payable=payable))
    refused(lambda: gift(token_hash="a" * 64))


def test_bundle_prices_cover_one_to_ten_sessions_once():
    GiftPrice.objects.create(sessions=3, total_cents=18000)
    refused(lambda: GiftPrice.objects.create(sessions=3, total_cents=17000))
    refused(lambda: GiftPrice.objects.create(sessions=11, total_cents=17000))
    refused(lambda: GiftPrice.objects.create(sessions=2, total_cents=0))


def test_a_booking_holds_at_most_one_credit():
    seeker = SeekerFactory()
    claimed_gift(seeker, sessions=2)
    first, second = SessionCredit.objects.filter(seeker=seeker)
    booking = BookingFactory(seeker=seeker)
    SessionCredit.objects.filter(pk=first.pk).update(status="held", booking=booking)
    refused(lambda: SessionCredit.objects.filter(pk=second.pk).update(status="held", booking=booking))


def test_a_credit_is_held_or_used_exactly_when_it_has_a_booking_and_a_seeker():
    seeker = SeekerFactory()
    claimed_gift(seeker, sessions=1)
    credit = SessionCredit.objects.get(seeker=seeker)
    booking = BookingFactory(seeker=seeker)
    refused(lambda: SessionCredit.objects.filter(pk=credit.pk).update(status="held"))
    refused(lambda: SessionCredit.objects.filter(pk=credit.pk).update(booking=booking))
    refused(
        lambda: SessionCredit.objects.filter(pk=credit.pk).update(status="used", booking=booking, seeker=None)
    )
    assert SessionCredit.objects.filter(pk=credit.pk).update(status="used", booking=booking) == 1


def test_tokens_are_256_bit_and_only_well_formed_ones_are_hashed():
    raw, hashed = token_new()
    assert TOKEN_RE.match(raw) and len(raw) == 43 and hashed == token_hash(raw) and len(hashed) == 64
    assert token_new()[0] != raw
    assert token_hash_or_none(raw) == hashed
    for bad in (None, "", raw[:-1], raw + "x", raw[:-1] + "=", raw[:-1] + "/"):
        assert token_hash_or_none(bad) is None
