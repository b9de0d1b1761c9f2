"""Gift services against localstripe: buying, issuing once, delivery, claiming, staff actions, credits."""

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bookings.models import Booking
from giftcards import services
from giftcards.models import Gift, GiftPrice, SessionCredit, SessionCreditEvent
from notifications.models import Notification
from payments import gateway
from payments import services as payments
from payments.models import Payment, Refund
from tests.factories import BookingFactory, SeekerFactory
from tests.giftcards.helpers import (
    CLAIM_RE,
    STATUS_RE,
    attempts,
    authenticate,
    claimed_gift,
    confirmed_setup,
    customer_of,
    latest_intent_id,
    new_gift,
    paid_attempt,
    paid_intent_id,
    pay,
    subjects,
    token_in,
)
from tests.payments.helpers import DECLINES_ON_CHARGE, GOOD, NEEDS_3DS, sdk, webhook_says

pytestmark = pytest.mark.django_db

Status = Gift.Status
CStatus = SessionCredit.Status
LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def bought(after_commit, mailoutbox):
    """A gift bought with 4242, its after-commit work (emails) done."""

    def make(**fields) -> Gift:
        gift = new_gift(**fields)
        with after_commit():
            result = pay(gift)
        assert result.status == "paid", result
        gift.refresh_from_db()
        return gift

    return make


def intents_of(gift: Gift) -> list:
    """The PaymentIntents localstripe holds for this gift (by our metadata)."""
    intents = sdk().v1.payment_intents.list(params={"limit": 100}).data
    return [
        pi
        for pi in intents
        if (pi.metadata.to_dict() if pi.metadata else {}).get("payable") == f"gift-{gift.pk}"
    ]


# --- pricing and creating -------------------------------------------------------------------------


def test_gift_price_is_sessions_times_the_session_price_unless_staff_set_a_bundle():
    assert new_gift(sessions=3).amount_cents == 3 * settings.SESSION_PRICE_CENTS
    GiftPrice.objects.create(sessions=5, total_cents=29900)
    assert new_gift(sessions=5).amount_cents == 29900
    assert new_gift(sessions=4).amount_cents == 4 * settings.SESSION_PRICE_CENTS


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"sessions": 0}, "between 1 and 10"),
        ({"sessions": 11}, "between 1 and 10"),
        ({"buyer_email": "not-an-email"}, "email"),
        ({"recipient_email": "jamie@"}, "email"),
        ({"message": "x" * 1001}, "1,000 characters"),
        ({"delivery_date": dt.date(2020, 1, 1)}, "today or a later date"),
        ({"recipient_name": "  "}, "names"),
    ],
)
def test_gift_create_refuses_bad_input_and_creates_nothing(overrides, words):
    with pytest.raises(services.GiftError) as refused:
        new_gift(**overrides)
    assert words in refused.value.message
    assert not Gift.objects.exists()


def test_names_are_kept_on_one_line_for_email_subjects(bought, mailoutbox):
    gift = bought(buyer_name="Sam\r\nBcc: x@example.com", recipient_name="  Jamie \n R ")
    assert (gift.buyer_name, gift.recipient_name) == ("Sam Bcc: x@example.com", "Jamie R")
    assert subjects(mailoutbox, "jamie@example.com") == ["Sam Bcc: x@example.com sent you a gift"]


def test_gift_create_judges_today_in_the_buyers_zone():
    # 06:00 UTC on 1 Dec is still 30 Nov in Los Angeles: 30 Nov is "today" there, and not in Tokyo.
    with time_machine.travel(dt.datetime(2026, 12, 1, 6, tzinfo=dt.UTC), tick=False):
        assert new_gift(delivery_date=dt.date(2026, 11, 30), buyer_time_zone="America/Los_Angeles")
        with pytest.raises(services.GiftError):
            new_gift(delivery_date=dt.date(2026, 11, 30), buyer_time_zone="Asia/Tokyo")


# --- paying and issuing -----------------------------------------------------------------------------


def test_paying_with_a_good_card_issues_the_gift_with_one_credit_per_session(bought, mailoutbox):
    gift = bought(sessions=3)
    assert gift.status == Status.DELIVERED
    paid = paid_attempt(gift)
    assert (paid.card_brand, paid.card_last4) == ("visa", "4242")
    assert customer_of(gift).startswith("cus_")
    intent = sdk().v1.payment_intents.retrieve(paid.stripe_payment_intent_id)
    assert (intent.status, intent.amount, intent.metadata["payable"]) == (
        "succeeded",
        19500,
        f"gift-{gift.pk}",
    )
    assert paid.idempotency_key == f"gift-{gift.pk}-charge-1"
    credits = SessionCredit.objects.filter(gift=gift)
    assert credits.count() == 3
    assert set(credits.values_list("status", "seeker", "booking")) == {(CStatus.AVAILABLE, None, None)}
    assert subjects(mailoutbox, "sam@example.com") == ["Your gift receipt"]
    assert subjects(mailoutbox, "jamie@example.com") == ["Sam Lee sent you a gift"]
    assert all(m.from_email == settings.DEFAULT_FROM_EMAIL for m in mailoutbox)


def test_the_gift_email_carries_the_message_and_a_link_whose_token_is_stored_only_as_a_hash(
    bought, mailoutbox
):
    gift = bought(message="Happy birthday. <b>Go gently.</b>")
    email = next(m for m in mailoutbox if m.to == ["jamie@example.com"])
    assert "Happy birthday. <b>Go gently.</b>" in email.body
    html = email.alternatives[0][0]
    assert "Happy birthday. &lt;b&gt;Go gently.&lt;/b&gt;" in html
    token = CLAIM_RE.search(email.body).group(1)
    assert len(token) == 43  # 32 random bytes
    gift.refresh_from_db()
    assert gift.token_hash == hashlib.sha256(token.encode()).hexdigest()
    status_token = token_in(mailoutbox, "sam@example.com", STATUS_RE)
    assert gift.status_token_hash == hashlib.sha256(status_token.encode()).hexdigest()
    # The raw tokens are nowhere in the database: not on the gift, not in the outbox.
    with connection.cursor() as cursor:
        for table in (Gift._meta.db_table, Notification._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            dump = repr(cursor.fetchall())
            assert token not in dump and status_token not in dump


def test_the_receipt_says_what_was_paid_and_promises_only_three_updates(bought, mailoutbox):
    bought(sessions=2)
    receipt = next(m for m in mailoutbox if m.to == ["sam@example.com"])
    assert "You paid $130 with your Visa card ending 4242" in receipt.body
    assert "2 peer support sessions for Jamie" in receipt.body
    assert (
        "when the gift is delivered, when it's claimed, and when all the sessions have been used"
        in receipt.body
    )
    assert "Thinking of you" not in receipt.body  # the message is for the recipient


def test_the_success_replayed_five_times_issues_once(bought, after_commit, mailoutbox):
    gift = bought(sessions=2)
    paid = paid_attempt(gift)
    with after_commit():
        for _ in range(5):
            intent = gateway.payment_intent_get(paid.stripe_payment_intent_id)
            assert (
                payments.payment_record(payment_id=paid.pk, intent=intent).status == Payment.Status.SUCCEEDED
            )
    assert SessionCredit.objects.filter(gift=gift).count() == 2
    assert len(mailoutbox) == 2
    assert Gift.objects.get(pk=gift.pk).status == Status.DELIVERED


def test_the_webhook_issues_the_gift_when_the_synchronous_recording_was_lost(
    after_commit, monkeypatch, mailoutbox
):
    """The charge went through but the worker died before noting it: the webhook finds the attempt by
    the intent's metadata and the gift is issued."""
    gift = new_gift(sessions=1)
    setup = confirmed_setup(gift)

    def die(*args, **kwargs):
        raise RuntimeError("worker died")

    with monkeypatch.context() as patch:
        patch.setattr("payments.services.charges.payment_record", die)
        with pytest.raises(RuntimeError):
            services.gift_pay(gift_id=gift.pk, setup_intent_id=setup)
    gift.refresh_from_db()
    assert (gift.status, latest_intent_id(gift)) == (Status.PENDING_PAYMENT, None)
    [intent] = intents_of(gift)
    with after_commit():
        assert webhook_says("payment_intent.succeeded", {"id": intent.id}).processed_at
    issued = Gift.objects.get(pk=gift.pk)
    assert (issued.status, paid_intent_id(issued)) == (Status.DELIVERED, intent.id)
    assert SessionCredit.objects.filter(gift=gift).count() == 1
    assert len(mailoutbox) == 2


def test_a_succeeded_intent_that_is_not_ours_issues_nothing():
    intent = gateway.payment_intent_create(
        amount=6500,
        customer_id=sdk().v1.customers.create(params={"email": "x@example.com"}).id,
        payment_method_id=sdk()
        .v1.payment_methods.create(
            params={"type": "card", "card": {"number": GOOD, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
        )
        .id,
        off_session=False,
        idempotency_key="not-a-gift",
        metadata={"payable": "booking-1", "payment_id": "1"},
    )
    assert intent.status == "succeeded"
    assert webhook_says("payment_intent.succeeded", {"id": intent.id}).processed_at
    assert not Gift.objects.exists() and not Payment.objects.exists()


def test_an_intent_for_another_amount_does_not_issue_the_gift(after_commit):
    """An intent naming the gift's attempt in its metadata but paying another amount is never counted."""
    gift = new_gift(sessions=3)
    pay(gift, DECLINES_ON_CHARGE)  # an attempt of the gift exists; Stripe didn't keep an intent for it
    [attempt] = attempts(gift)
    method = sdk().v1.payment_methods.create(
        params={"type": "card", "card": {"number": GOOD, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    sdk().v1.payment_methods.attach(method.id, params={"customer": customer_of(gift)})
    cheap = gateway.payment_intent_create(
        amount=100,
        customer_id=customer_of(gift),
        payment_method_id=method.id,
        off_session=False,
        idempotency_key="cheap",
        metadata={"payable": f"gift-{gift.pk}", "payment_id": str(attempt.pk)},
    )
    with after_commit():
        webhook_says("payment_intent.succeeded", {"id": cheap.id})
    gift.refresh_from_db()
    assert gift.status == Status.PENDING_PAYMENT
    assert not SessionCredit.objects.exists()


def test_a_declined_card_issues_nothing_and_another_card_then_pays_once(after_commit, mailoutbox):
    gift = new_gift(sessions=2)
    declined = pay(gift, DECLINES_ON_CHARGE)
    assert declined.status == "failed"
    assert "declined" in declined.message.lower() and "Nothing was charged" in declined.message
    gift.refresh_from_db()
    assert gift.status == Status.PENDING_PAYMENT
    assert not SessionCredit.objects.exists() and mailoutbox == []
    with after_commit():
        assert pay(gift, GOOD).status == "paid"
    gift.refresh_from_db()
    assert (gift.status, len(attempts(gift)), paid_attempt(gift).card_last4) == (Status.DELIVERED, 2, "4242")
    # One intent paid. (The declined one can't pay later: Stripe needs a new confirmation for it, and the
    # buyer's page never had its secret; on real Stripe its id comes back with the decline and it is
    # cancelled before the next attempt.)
    assert sorted(pi.status for pi in intents_of(gift)) == ["requires_payment_method", "succeeded"]
    assert SessionCredit.objects.filter(gift=gift).count() == 2


def test_3d_secure_needs_the_buyer_then_the_check_issues_the_gift(after_commit, mailoutbox):
    gift = new_gift(sessions=1)
    result = pay(gift, NEEDS_3DS)
    assert result.status == "requires_action"
    assert result.client_secret.startswith(latest_intent_id(gift))
    assert services.gift_payment_check(gift_id=gift.pk).status == "requires_action"
    authenticate(result.client_secret)
    with after_commit():
        assert services.gift_payment_check(gift_id=gift.pk).status == "paid"
        assert services.gift_payment_check(gift_id=gift.pk).status == "paid"
    assert SessionCredit.objects.filter(gift=gift).count() == 1
    assert len(mailoutbox) == 2


def test_a_new_card_after_an_unfinished_3d_secure_cancels_that_attempt_first(after_commit):
    gift = new_gift(sessions=1)
    pending = pay(gift, NEEDS_3DS)
    assert pending.status == "requires_action"
    first_id = latest_intent_id(gift)
    with after_commit():
        assert pay(gift, GOOD).status == "paid"
    assert sdk().v1.payment_intents.retrieve(first_id).status == "canceled"
    assert sorted(pi.status for pi in intents_of(gift)) == ["canceled", "succeeded"]


def test_a_new_card_after_3d_secure_completed_elsewhere_charges_nothing_more(after_commit, mailoutbox):
    """The buyer finished 3-D Secure in another tab, then submitted a card here: the earlier attempt is
    found paid when it is closed, so the gift is issued with it and no second charge is made."""
    gift = new_gift(sessions=1)
    pending = pay(gift, NEEDS_3DS)
    authenticate(pending.client_secret)
    with after_commit():
        assert pay(gift, GOOD).status == "paid"
    assert [pi.status for pi in intents_of(gift)] == ["succeeded"]
    assert paid_intent_id(gift) == intents_of(gift)[0].id
    assert len(mailoutbox) == 2


def test_failed_3d_secure_issues_nothing():
    gift = new_gift(sessions=1)
    result = pay(gift, NEEDS_3DS)
    authenticate(result.client_secret, success=False)
    checked = services.gift_payment_check(gift_id=gift.pk)
    assert checked.status == "failed" and "nothing was charged" in checked.message
    assert Gift.objects.get(pk=gift.pk).status == Status.PENDING_PAYMENT
    assert not SessionCredit.objects.exists()


def test_a_second_intent_paying_a_paid_gift_is_refunded_once(bought, after_commit):
    gift = bought(sessions=1)
    method = sdk().v1.payment_methods.create(
        params={"type": "card", "card": {"number": GOOD, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    sdk().v1.payment_methods.attach(method.id, params={"customer": customer_of(gift)})
    # A second attempt row of the gift's payable that paid too (a late 3-D Secure in another tab, say).
    late = Payment.objects.create(
        payable_id=gift.payable_id,
        attempt=9,
        off_session=False,
        amount_cents=gift.amount_cents,
        idempotency_key=f"gift-{gift.pk}-charge-9",
    )
    second = gateway.payment_intent_create(
        amount=gift.amount_cents,
        customer_id=customer_of(gift),
        payment_method_id=method.id,
        off_session=False,
        idempotency_key=late.idempotency_key,
        metadata={"payable": f"gift-{gift.pk}", "payment_id": str(late.pk)},
    )
    assert second.status == "succeeded"
    with after_commit():  # the refund is sent after commit
        for _ in range(3):
            webhook_says("payment_intent.succeeded", {"id": second.id})
    refunds = sdk().v1.refunds.list(params={"payment_intent": second.id}).data
    assert [r.amount for r in refunds] == [gift.amount_cents]
    assert not sdk().v1.refunds.list(params={"payment_intent": paid_intent_id(gift)}).data
    late.refresh_from_db()
    assert (late.status, late.stripe_payment_intent_id, late.refunded_cents) == (
        Payment.Status.DUPLICATE,
        second.id,
        gift.amount_cents,
    )
    assert [r.reason for r in late.refunds.all()] == [Refund.Reason.DUPLICATE]
    assert SessionCredit.objects.filter(gift=gift).count() == 1


def test_a_pay_attempt_while_another_is_in_flight_is_refused_kindly():
    gift = new_gift(sessions=1)
    setup = confirmed_setup(gift)
    Payment.objects.create(  # another tab's attempt, sent a moment ago and not answered yet
        payable_id=gift.payable_id,
        attempt=1,
        off_session=False,
        amount_cents=gift.amount_cents,
        idempotency_key=f"gift-{gift.pk}-charge-1",
        status=Payment.Status.PROCESSING,
    )
    with pytest.raises(services.GiftError) as refused:
        services.gift_pay(gift_id=gift.pk, setup_intent_id=setup)
    assert "already being processed" in refused.value.message
    assert intents_of(gift) == []


def test_paying_with_a_setup_intent_of_another_gift_is_refused():
    mine, theirs = new_gift(), new_gift(buyer_email="other@example.com")
    confirmed_setup(mine)
    their_setup = confirmed_setup(theirs)
    with pytest.raises(services.GiftError):
        services.gift_pay(gift_id=mine.pk, setup_intent_id=their_setup)
    assert intents_of(mine) == [] and intents_of(theirs) == []


def test_stripe_unreachable_while_paying_issues_nothing_and_frees_the_next_try(stripe_down):
    gift = new_gift(sessions=1)
    setup = confirmed_setup(gift)
    with stripe_down(), pytest.raises(gateway.GatewayUnavailable):
        services.gift_pay(gift_id=gift.pk, setup_intent_id=setup)
    gift.refresh_from_db()
    assert (gift.status, paid_attempt(gift)) == (Status.PENDING_PAYMENT, None)
    assert all(a.status == Payment.Status.PENDING for a in attempts(gift))  # nothing in flight blocks
    assert services.gift_pay(gift_id=gift.pk, setup_intent_id=setup).status == "paid"
    assert [a.idempotency_key for a in attempts(gift)] == [f"gift-{gift.pk}-charge-1"]


# --- delivery ---------------------------------------------------------------------------------------------


def test_a_gift_with_a_later_date_arrives_at_nine_in_the_buyers_zone(after_commit, mailoutbox):
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=LA), tick=False):
        gift = new_gift(delivery_date=dt.date(2026, 12, 24))
        with after_commit():
            assert pay(gift).status == "paid"
        gift.refresh_from_db()
        assert gift.status == Status.PAID
        assert gift.deliver_at == dt.datetime(2026, 12, 24, 9, tzinfo=LA)
        assert subjects(mailoutbox) == ["Your gift receipt"]
        assert "on Thursday 24 December 2026" in mailoutbox[0].body
        assert services.gifts_send_due() == 0
    with time_machine.travel(dt.datetime(2026, 12, 24, 8, 59, tzinfo=LA), tick=False):
        assert services.gifts_send_due() == 0
    with time_machine.travel(dt.datetime(2026, 12, 24, 9, 1, tzinfo=LA), tick=False):
        assert services.gifts_send_due() == 1
        assert services.gifts_send_due() == 0
    gift.refresh_from_db()
    assert gift.status == Status.DELIVERED
    assert subjects(mailoutbox, "jamie@example.com") == ["Sam Lee sent you a gift"]


def test_a_gift_dated_today_goes_out_at_once(after_commit, mailoutbox):
    with time_machine.travel(dt.datetime(2026, 12, 1, 20, tzinfo=LA), tick=False):
        gift = new_gift(delivery_date=dt.date(2026, 12, 1))
        with after_commit():
            pay(gift)
    assert Gift.objects.get(pk=gift.pk).status == Status.DELIVERED
    assert len(subjects(mailoutbox, "jamie@example.com")) == 1


def test_emails_that_failed_to_send_go_out_with_the_periodic_task(after_commit, mailoutbox, settings):
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FailingBackend"
    gift = new_gift()
    with after_commit():
        pay(gift)
    gift.refresh_from_db()
    assert (gift.receipt_sent_at, gift.delivered_at, gift.mail_claimed_at) == (None, None, None)
    assert gift.status == Status.PAID
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.gifts_send_due() == 1
    gift.refresh_from_db()
    assert gift.receipt_sent_at and gift.delivered_at and gift.status == Status.DELIVERED
    assert len(mailoutbox) == 2
    assert services.gifts_send_due() == 0


def test_a_gift_being_mailed_by_another_worker_is_not_mailed_twice(mailoutbox):
    gift = new_gift()
    pay(gift)  # issued; its emails queued after a commit that never runs here
    Gift.objects.filter(pk=gift.pk).update(mail_claimed_at=timezone.now())
    assert services.gifts_send_due() == 0
    assert mailoutbox == []
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11), tick=False):
        assert services.gifts_send_due() == 1  # that worker died: its claim went stale
    assert len(mailoutbox) == 2


# --- claiming ----------------------------------------------------------------------------------------------


def test_claiming_binds_every_credit_to_the_seeker_once(bought, mailoutbox):
    bought(sessions=3)
    token = token_in(mailoutbox, "jamie@example.com")
    seeker = SeekerFactory()
    claimed = services.gift_claim(token=token, seeker=seeker)
    assert (claimed.status, claimed.claimed_by, claimed.token_hash) == (Status.CLAIMED, seeker, None)
    assert services.credits_available(seeker=seeker) == 3
    assert SessionCreditEvent.objects.filter(kind="claimed").count() == 3
    with pytest.raises(services.GiftLinkInvalid):
        services.gift_claim(token=token, seeker=seeker)
    with pytest.raises(services.GiftLinkInvalid):
        services.gift_claim(token=token, seeker=SeekerFactory())
    assert services.credits_available(seeker=seeker) == 3


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1],  # truncated
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
        lambda t: t + "A",  # padded
        lambda t: "",
        lambda t: "../" + t[3:],
    ],
)
def test_a_tampered_token_claims_nothing(bought, mailoutbox, mangle):
    gift = bought()
    token = token_in(mailoutbox, "jamie@example.com")
    with pytest.raises(services.GiftLinkInvalid) as refused:
        services.gift_claim(token=mangle(token), seeker=SeekerFactory())
    assert refused.value.message == "This gift link isn't valid any more."
    assert Gift.objects.get(pk=gift.pk).status == Status.DELIVERED


def test_the_buyers_status_token_does_not_claim(bought, mailoutbox):
    bought()
    with pytest.raises(services.GiftLinkInvalid):
        services.gift_claim(token=token_in(mailoutbox, "sam@example.com", STATUS_RE), seeker=SeekerFactory())


# --- staff: resend, correct, refund -----------------------------------------------------------------------


def test_resend_sends_a_new_link_and_retires_the_old_one(bought, after_commit, mailoutbox):
    gift = bought()
    old = token_in(mailoutbox, "jamie@example.com")
    with after_commit():
        services.gift_resend(gift_id=gift.pk)
    new = token_in(mailoutbox, "jamie@example.com")
    assert new != old
    assert subjects(mailoutbox, "jamie@example.com") == ["Sam Lee sent you a gift"] * 2
    assert subjects(mailoutbox, "sam@example.com") == ["Your gift receipt"]  # no second receipt
    with pytest.raises(services.GiftLinkInvalid):
        services.gift_claim(token=old, seeker=SeekerFactory())
    assert services.gift_claim(token=new, seeker=SeekerFactory()).status == Status.CLAIMED
    with pytest.raises(services.GiftError):
        services.gift_resend(gift_id=gift.pk)


def test_correcting_the_recipient_after_delivery_kills_the_old_link_and_sends_to_the_new_address(
    bought, after_commit, mailoutbox
):
    gift = bought()
    old = token_in(mailoutbox, "jamie@example.com")
    with after_commit():
        services.gift_recipient_correct(gift_id=gift.pk, email="jamie.real@example.com")
    with pytest.raises(services.GiftLinkInvalid):
        services.gift_claim(token=old, seeker=SeekerFactory())
    new = token_in(mailoutbox, "jamie.real@example.com")
    assert services.gift_claim(token=new, seeker=SeekerFactory()).recipient_email == "jamie.real@example.com"
    with pytest.raises(services.GiftError) as refused:
        services.gift_recipient_correct(gift_id=gift.pk, email="someone@example.com")
    assert "hasn't been claimed" in refused.value.message


def test_correcting_the_recipient_before_the_delivery_date_just_changes_the_address(after_commit, mailoutbox):
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=LA), tick=False):
        gift = new_gift(delivery_date=dt.date(2026, 12, 24))
        with after_commit():
            pay(gift)
            services.gift_recipient_correct(gift_id=gift.pk, email="jamie.real@example.com", name="Jamie R")
        assert subjects(mailoutbox, "jamie.real@example.com") == []
    with time_machine.travel(dt.datetime(2026, 12, 24, 10, tzinfo=LA), tick=False):
        services.gifts_send_due()
    assert subjects(mailoutbox, "jamie.real@example.com") == ["Sam Lee sent you a gift"]
    assert "Hi Jamie R," in mailoutbox[-1].body
    with pytest.raises(services.GiftError):
        services.gift_recipient_correct(gift_id=gift.pk, email="not an email")


def test_refunding_an_unclaimed_gift_refunds_in_full_once_and_voids_it(
    bought, after_commit, mailoutbox, django_user_model
):
    gift = bought(sessions=2)
    token = token_in(mailoutbox, "jamie@example.com")
    staff = django_user_model.objects.create_user("staff@example.com", is_staff=True)
    with after_commit():
        refunded = services.gift_refund(gift_id=gift.pk, by=staff)
        again = services.gift_refund(gift_id=gift.pk, by=staff)
    [refund] = Refund.objects.filter(payment=paid_attempt(gift))
    assert (refunded.status, again.status) == (Status.REFUNDED, Status.REFUNDED)
    assert (refund.status, refund.amount_cents, refund.created_by) == (Refund.Status.SUCCEEDED, 13000, staff)
    assert refund.stripe_refund_id and refunded.refunded_by == staff
    refunds = sdk().v1.refunds.list(params={"payment_intent": paid_intent_id(gift)}).data
    assert [(r.amount, r.status) for r in refunds] == [(13000, "succeeded")]
    assert set(SessionCredit.objects.filter(gift=gift).values_list("status", flat=True)) == {CStatus.VOID}
    with pytest.raises(services.GiftLinkInvalid):
        services.gift_claim(token=token, seeker=SeekerFactory())
    assert subjects(mailoutbox, "sam@example.com") == ["Your gift receipt", "Your gift has been refunded"]


def test_a_claimed_gift_cannot_be_refunded(bought, mailoutbox):
    gift = bought()
    services.gift_claim(token=token_in(mailoutbox, "jamie@example.com"), seeker=SeekerFactory())
    with pytest.raises(services.GiftError) as refused:
        services.gift_refund(gift_id=gift.pk)
    assert "hasn't been claimed" in refused.value.message
    assert not sdk().v1.refunds.list(params={"payment_intent": paid_intent_id(gift)}).data
    assert Gift.objects.get(pk=gift.pk).status == Status.CLAIMED


def test_a_refund_stripe_could_not_take_is_retried_with_the_same_key(bought, stripe_down, after_commit):
    gift = bought()
    with stripe_down(), after_commit():
        refunded = services.gift_refund(gift_id=gift.pk)
    [refund] = Refund.objects.filter(payment=paid_attempt(gift))
    assert refunded.status == Status.REFUNDED and refund.status == Refund.Status.FAILED and refund.last_error
    assert not sdk().v1.refunds.list(params={"payment_intent": paid_intent_id(gift)}).data
    assert payments.refunds_retry_due() == 1
    assert payments.refunds_retry_due() == 0
    assert len(sdk().v1.refunds.list(params={"payment_intent": paid_intent_id(gift)}).data) == 1


# --- credits: the contract with bookings ----------------------------------------------------------------


def booking_of(seeker, status=Booking.Status.CONFIRMED, **kwargs) -> Booking:
    return BookingFactory(seeker=seeker, status=status, amount_paid_cents=0, **kwargs)


def test_credit_take_holds_one_credit_per_booking_and_is_idempotent():
    seeker = SeekerFactory()
    claimed_gift(seeker, sessions=2)
    first, second, third = (booking_of(seeker, hours_ahead=h) for h in (30, 50, 70))
    credit = services.credit_take(seeker=seeker, booking_id=first.pk)
    assert (credit.status, credit.booking_id) == (CStatus.HELD, first.pk)
    assert services.credit_take(seeker=seeker, booking_id=first.pk) == credit  # a repeat takes nothing more
    assert services.credits_available(seeker=seeker) == 1
    assert services.credit_take(seeker=seeker, booking_id=second.pk).pk != credit.pk
    assert services.credit_take(seeker=seeker, booking_id=third.pk) is None  # none left: never below zero
    assert services.credits_available(seeker=seeker) == 0
    assert services.credit_for_booking(booking_id=first.pk) == credit
    assert services.credit_for_booking(booking_id=third.pk) is None


def test_credit_take_never_uses_another_seekers_credits_or_bookings():
    mine, theirs = SeekerFactory(), SeekerFactory()
    claimed_gift(theirs, sessions=1)
    assert services.credit_take(seeker=mine, booking_id=booking_of(mine).pk) is None
    with pytest.raises(services.CreditError):
        services.credit_take(seeker=theirs, booking_id=booking_of(mine, hours_ahead=90).pk)
    assert services.credits_available(seeker=theirs) == 1


def test_credits_of_an_unclaimed_gift_belong_to_nobody(bought):
    bought(sessions=3)
    seeker = SeekerFactory()
    assert services.credits_available(seeker=seeker) == 0
    assert services.credit_take(seeker=seeker, booking_id=booking_of(seeker).pk) is None


# Every outcome in which a card payment would be refunded returns the credit (DESIGN §4, §7).
RETURNS = [
    ("cancelled", {}),  # the seeker cancelled 24 hours or more ahead
    ("cancelled_by_supporter", {}),
    ("no_show", {"no_show_by": "supporter"}),
    ("refunded", {}),  # the money-back guarantee, after the credit was used by the completed session
    ("released", {}),
]


@pytest.mark.parametrize(("status", "extra"), RETURNS)
def test_credit_return_makes_the_credit_available_again_once(status, extra):
    seeker = SeekerFactory()
    claimed_gift(seeker, sessions=1)
    booking = booking_of(seeker)
    credit = services.credit_take(seeker=seeker, booking_id=booking.pk)
    if status == "refunded":
        Booking.objects.filter(pk=booking.pk).update(status="completed")
        booking.refresh_from_db()
        assert services.credit_settle(booking_id=booking.pk).status == CStatus.USED
    Booking.objects.filter(pk=booking.pk).update(status=status, **extra)
    booking.refresh_from_db()
    returned = services.credit_return(booking_id=booking.pk)
    assert (returned.pk, returned.status, returned.booking) == (credit.pk, CStatus.AVAILABLE, None)
    assert services.credit_return(booking_id=booking.pk) is None  # once
    assert services.credits_available(seeker=seeker) == 1
    assert (
        list(SessionCreditEvent.objects.filter(credit=credit).values_list("kind", flat=True))[-1]
        == "returned"
    )
    # The credit pays for the next booking.
    assert (
        services.credit_take(seeker=seeker, booking_id=booking_of(seeker, hours_ahead=100).pk).pk == credit.pk
    )


@pytest.mark.parametrize("status", ["declined", "expired", "withdrawn"])
def test_a_request_that_never_took_a_credit_returns_nothing(status):
    seeker = SeekerFactory()
    claimed_gift(seeker, sessions=1)
    booking = booking_of(seeker, status=status)
    assert services.credit_return(booking_id=booking.pk) is None
    assert services.credits_available(seeker=seeker) == 1


def test_the_buyer_hears_once_when_the_last_credit_is_used(after_commit, mailoutbox):
    seeker = SeekerFactory()
    gift = claimed_gift(seeker, sessions=2, buyer_email="sam@example.com")
    first, second, third = (booking_of(seeker, hours_ahead=h) for h in (30, 50, 70))
    with after_commit():
        for booking in (first, second):
            services.credit_take(seeker=seeker, booking_id=booking.pk)
        Booking.objects.filter(pk=first.pk).update(status="completed")
        first.refresh_from_db()
        services.credit_settle(booking_id=first.pk)
    assert mailoutbox == []  # one of two used: nothing to say yet
    with after_commit():
        Booking.objects.filter(pk=second.pk).update(status="late_cancelled")
        second.refresh_from_db()
        services.credit_settle(booking_id=second.pk)
        services.credit_settle(booking_id=second.pk)
    assert subjects(mailoutbox, "sam@example.com") == ["All your gift sessions have been used"]
    body = mailoutbox[0].body
    assert "All the sessions you gave" in body and "Give another gift" in body
    assert first.supporter.display_name not in body and second.supporter.display_name not in body
    # The guarantee gives one back, it is used again: still only one email.
    with after_commit():
        Booking.objects.filter(pk=first.pk).update(status="refunded")
        services.credit_return(booking_id=first.pk)
        services.credit_take(seeker=seeker, booking_id=third.pk)
        Booking.objects.filter(pk=third.pk).update(status="completed")
        third.refresh_from_db()
        services.credit_settle(booking_id=third.pk)
    assert len(mailoutbox) == 1
    assert Gift.objects.get(pk=gift.pk).all_used_notified_at is not None


def test_credit_take_inside_a_rolled_back_accept_takes_nothing():
    seeker = SeekerFactory()
    claimed_gift(seeker, sessions=1)
    booking = booking_of(seeker)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.credit_take(seeker=seeker, booking_id=booking.pk)
        raise RuntimeError("the accept failed after taking the credit")
    assert services.credits_available(seeker=seeker) == 1
    assert services.credit_for_booking(booking_id=booking.pk) is None


# --- through Stripe's webhook -------------------------------------------------------------------------------


def test_the_payment_intent_succeeded_webhook_issues_the_gift_once(
    client, after_commit, monkeypatch, mailoutbox
):
    from django.urls import reverse

    from tests.payments.helpers import event, signed

    gift = new_gift(sessions=2)
    setup = confirmed_setup(gift)
    monkeypatch.setattr(
        "payments.services.charges.payment_record",
        lambda *a, **k: (_ for _ in ()).throw(RuntimeError("died")),
    )
    with pytest.raises(RuntimeError):
        services.gift_pay(gift_id=gift.pk, setup_intent_id=setup)
    [intent] = intents_of(gift)
    for n in range(3):  # delivered three times, under two event ids
        body, signature = signed(
            event("payment_intent.succeeded", {"id": intent.id}, event_id=f"evt_gift_{n % 2}")
        )
        with after_commit():
            response = client.post(
                reverse("payments:webhook"),
                data=body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=signature,
            )
        assert response.status_code == 200
    gift.refresh_from_db()
    assert gift.status == Status.DELIVERED
    assert SessionCredit.objects.filter(gift=gift).count() == 2
    assert subjects(mailoutbox, "sam@example.com") == ["Your gift receipt"]
