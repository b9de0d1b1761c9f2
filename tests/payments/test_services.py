"""The money flow against localstripe, a real (fake) Stripe server, driven by the official SDK.

Every test starts from an empty localstripe store (tests/conftest.py), so "all the PaymentIntents in
Stripe" means this test's. Work done after commit (the charge task, refunds, emails) runs inline when a
block is wrapped in ``after_commit()``.
"""

import datetime as dt
import json
import urllib.request

import pytest
import stripe
from django.conf import settings
from django.db import IntegrityError, transaction

from bookings import services as bookings
from bookings.models import Booking
from bookings.services import BookingError
from payments import gateway, services, tasks
from payments.models import Payment, Refund, StripeCustomer
from payments.services import PaymentError
from supporters.models import Slot
from tests.factories import (
    BookingFactory,
    SeekerFactory,
    SlotFactory,
    StaffFactory,
    offer_the_hour_of,
    offered_hour_from_now,
)
from tests.payments.helpers import (
    DECLINES_ON_CHARGE,
    DECLINES_ON_SAVE,
    GOOD,
    NEEDS_3DS,
    give_card,
    of_booking,
    payable_of,
    sdk,
    signed,
)

pytestmark = pytest.mark.django_db

Status = Booking.Status
PStatus = Payment.Status
OTHER_VISA = "4000056655665556"


# --- helpers ------------------------------------------------------------------------------------


def pay_check(booking, payment_id, *, seeker):
    """The pay page's check after 3-D Secure (bookings.booking_pay_check)."""
    return bookings.booking_pay_check(booking_id=booking.pk, seeker=seeker, payment_id=payment_id)


@pytest.fixture
def accepted(after_commit):
    """A booking the supporter accepted, its after-commit work (the off-session charge) done."""

    def make(card: str | None = GOOD, **kwargs) -> Booking:
        booking = BookingFactory(**kwargs)
        if card == NEEDS_3DS:
            give_3ds_card(booking.seeker)
        elif card:
            give_card(booking.seeker, card)
        with after_commit():
            bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
        booking.refresh_from_db()
        return booking

    return make


@pytest.fixture
def paid(accepted):
    def make(**kwargs) -> Booking:
        booking = accepted(**kwargs)
        assert booking.status == Status.CONFIRMED
        return booking

    return make


def give_3ds_card(seeker) -> StripeCustomer:
    """Save 4000002500003155. Its SetupIntent needs 3-D Secure: confirming it a second time is what
    localstripe's Stripe.js does when the seeker presses "Complete authentication" in its modal."""
    secret = services.card_setup_start(seeker=seeker)
    setup_intent_id = secret.split("_secret_")[0]
    method = sdk().v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": NEEDS_3DS, "exp_month": 12, "exp_year": 2031, "cvc": "123"},
        }
    )
    first = sdk().v1.setup_intents.confirm(setup_intent_id, params={"payment_method": method.id})
    assert first.status == "requires_action"
    assert (
        sdk().v1.setup_intents.confirm(setup_intent_id, params={"client_secret": secret}).status
        == "succeeded"
    )
    return services.card_setup_complete(seeker=seeker, setup_intent_id=setup_intent_id)


def authenticate(client_secret: str, *, success: bool = True) -> None:
    """Press "Complete authentication" (or "Fail authentication") in localstripe's 3-D Secure modal: its
    Stripe.js posts exactly this, with the publishable key and the intent's client secret. (The SDK can't
    click the modal, and real Stripe has no such endpoint: only the browser completes 3-D Secure.)"""
    intent_id = client_secret.split("_secret_")[0]
    url = f"{settings.STRIPE_API_BASE}/v1/payment_intents/{intent_id}/_authenticate"
    url += f"?success={str(success).lower()}"
    body = json.dumps({"key": settings.STRIPE_PUBLISHABLE_KEY, "client_secret": client_secret}).encode()
    urllib.request.urlopen(urllib.request.Request(url, data=body, method="POST"), timeout=5).close()


def stripe_intents() -> list:
    """Every PaymentIntent in localstripe (its store is emptied before each test)."""
    return sdk().v1.payment_intents.list(params={"limit": 100}).data


def stripe_refunds(payment: Payment) -> list:
    return (
        sdk().v1.refunds.list(params={"payment_intent": payment.stripe_payment_intent_id, "limit": 100}).data
    )


def subjects(mailoutbox, to=None) -> list[str]:
    return [m.subject for m in mailoutbox if to is None or m.to == [to]]


def the_payment(booking: Booking) -> Payment:
    return Payment.objects.get(**of_booking(booking), status=PStatus.SUCCEEDED)


def spy_keys(monkeypatch) -> list[str]:
    """Record the idempotency key of every PaymentIntent we create, still calling Stripe for real."""
    keys: list[str] = []
    real = gateway.payment_intent_create

    def spy(**kwargs):
        keys.append(kwargs["idempotency_key"])
        return real(**kwargs)

    monkeypatch.setattr(gateway, "payment_intent_create", spy)
    return keys


# --- card on file ---------------------------------------------------------------------------------


def test_give_card_saves_brand_and_last4_on_the_seekers_one_customer():
    seeker = SeekerFactory()
    customer = give_card(seeker)
    customer.refresh_from_db()
    assert (customer.card_brand, customer.card_last4) == ("visa", "4242")
    assert (customer.card_exp_month, customer.card_exp_year) == (12, 2031)
    assert customer.payment_method_id.startswith("pm_")
    assert services.seeker_card(seeker=seeker) == customer
    on_stripe = sdk().v1.customers.retrieve(customer.stripe_customer_id)
    assert on_stripe.email == seeker.user.email
    assert on_stripe.metadata["seeker_id"] == str(seeker.pk)


def test_customer_get_or_create_twice_gives_one_row_and_one_stripe_customer():
    seeker = SeekerFactory()
    first = services.customer_get_or_create(seeker=seeker)
    second = services.customer_get_or_create(seeker=seeker)
    assert first.pk == second.pk
    assert StripeCustomer.objects.filter(seeker=seeker).count() == 1
    assert [c.id for c in sdk().v1.customers.list().data] == [first.stripe_customer_id]
    assert services.seeker_card(seeker=seeker) is None  # a customer alone is not a card


def test_card_setup_complete_replacing_the_card_detaches_the_old_one_and_shows_the_new_last4():
    """Real Stripe attaches a SetupIntent's card to its customer; localstripe doesn't, so the test attaches
    the first card itself to make the detach visible."""
    seeker = SeekerFactory()
    old = give_card(seeker).payment_method_id
    customer_id = StripeCustomer.objects.get(seeker=seeker).stripe_customer_id
    sdk().v1.payment_methods.attach(old, params={"customer": customer_id})
    customer = give_card(seeker, OTHER_VISA)
    assert customer.card_last4 == "5556"
    assert customer.payment_method_id != old
    assert StripeCustomer.objects.get(seeker=seeker).card_last4 == "5556"
    assert StripeCustomer.objects.count() == 1
    assert sdk().v1.payment_methods.retrieve(old).customer is None


def test_card_setup_complete_with_a_card_declined_at_setup_is_refused_and_changes_nothing():
    seeker = SeekerFactory()
    give_card(seeker)
    before = StripeCustomer.objects.get(seeker=seeker)
    secret = services.card_setup_start(seeker=seeker)
    setup_intent_id = secret.split("_secret_")[0]
    method = sdk().v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": DECLINES_ON_SAVE, "exp_month": 12, "exp_year": 2031, "cvc": "123"},
        }
    )
    with pytest.raises(stripe.CardError):  # what Stripe.js shows on the form
        sdk().v1.setup_intents.confirm(setup_intent_id, params={"payment_method": method.id})
    assert sdk().v1.setup_intents.retrieve(setup_intent_id).status != "succeeded"
    with pytest.raises(PaymentError, match="couldn't be saved. Please try again or use another card") as exc:
        services.card_setup_complete(seeker=seeker, setup_intent_id=setup_intent_id)
    assert exc.value.code == "not_saved"
    after = StripeCustomer.objects.get(seeker=seeker)
    assert (after.payment_method_id, after.card_last4, after.updated_at) == (
        before.payment_method_id,
        "4242",
        before.updated_at,
    )


def test_card_setup_complete_with_another_seekers_setup_intent_is_refused():
    mine, theirs = SeekerFactory(), SeekerFactory()
    give_card(mine)
    their_secret = services.card_setup_start(seeker=theirs)
    their_setup = their_secret.split("_secret_")[0]
    method = sdk().v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": OTHER_VISA, "exp_month": 1, "exp_year": 2030, "cvc": "123"},
        }
    )
    sdk().v1.setup_intents.confirm(their_setup, params={"payment_method": method.id})
    with pytest.raises(PaymentError, match="isn't yours") as exc:
        services.card_setup_complete(seeker=mine, setup_intent_id=their_setup)
    assert exc.value.code == "not_yours"
    assert StripeCustomer.objects.get(seeker=mine).card_last4 == "4242"
    assert services.seeker_card(seeker=theirs) is None


def test_card_setup_complete_with_an_unknown_setup_intent_is_refused_with_a_message():
    seeker = SeekerFactory()
    services.card_setup_start(seeker=seeker)
    with pytest.raises(PaymentError, match="couldn't be saved"):
        services.card_setup_complete(seeker=seeker, setup_intent_id="seti_madeup")
    assert services.seeker_card(seeker=seeker) is None


def test_card_setup_complete_without_a_customer_is_refused():
    with pytest.raises(PaymentError, match="add your card again"):
        services.card_setup_complete(seeker=SeekerFactory(), setup_intent_id="seti_madeup")


def test_card_setup_start_uses_a_fresh_key_per_page_load(monkeypatch):
    """localstripe ignores idempotency keys, so the keys themselves are checked: a key repeated across
    page loads would make real Stripe hand back an already-succeeded SetupIntent."""
    keys = []
    real = gateway.setup_intent_create

    def spy(**kwargs):
        keys.append(kwargs["idempotency_key"])
        return real(**kwargs)

    monkeypatch.setattr(gateway, "setup_intent_create", spy)
    seeker = SeekerFactory()
    first = services.card_setup_start(seeker=seeker)
    second = services.card_setup_start(seeker=seeker)
    assert first != second
    assert len(set(keys)) == 2
    assert all(key.startswith(f"seeker-{seeker.pk}-setup-") for key in keys)


# --- charging on acceptance ----------------------------------------------------------------------------


def test_booking_accept_charges_the_session_price_off_session_and_confirms_with_a_receipt(
    accepted, mailoutbox
):
    booking = accepted()
    assert (booking.status, booking.amount_paid_cents) == (Status.CONFIRMED, settings.SESSION_PRICE_CENTS)
    assert booking.amount_paid_cents == 6500
    payment = Payment.objects.get(**of_booking(booking))
    assert (payment.status, payment.off_session, payment.amount_cents, payment.attempt) == (
        PStatus.SUCCEEDED,
        True,
        6500,
        1,
    )
    assert payment.idempotency_key == f"booking-{booking.pk}-charge-1"
    assert (payment.card_brand, payment.card_last4) == ("visa", "4242")
    assert payment.succeeded_at is not None
    intent = sdk().v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    assert (intent.amount, intent.currency, intent.status) == (6500, "usd", "succeeded")
    assert intent.customer == booking.seeker.stripe_customer.stripe_customer_id
    assert intent.metadata["payable"] == f"booking-{booking.pk}"
    assert intent.metadata["payment_id"] == str(payment.pk)
    assert [i.id for i in stripe_intents()] == [intent.id]
    assert subjects(mailoutbox, booking.seeker.user.email) == ["Your session is confirmed"]
    body = next(m for m in mailoutbox if m.to == [booking.seeker.user.email]).body
    assert "Receipt: $65 paid with your Visa card ending 4242" in body
    assert booking.slot.status == Slot.Status.BOOKED


def test_booking_accept_takes_the_price_from_the_booking_not_from_anywhere_else(after_commit):
    """The amount is the booking's price, written from settings when it was requested."""
    booking = BookingFactory(price_cents=7000)
    give_card(booking.seeker)
    with after_commit():
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    payment = Payment.objects.get(**of_booking(booking))
    assert payment.amount_cents == 7000
    assert sdk().v1.payment_intents.retrieve(payment.stripe_payment_intent_id).amount == 7000


def test_booking_accept_twice_and_the_charge_task_rerun_charge_once(accepted, after_commit, mailoutbox):
    booking = accepted()
    with after_commit():
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
        tasks.charge_off_session.delay(payable_of(booking))
    assert services.payment_charge_off_session(payable_id=payable_of(booking)) is None
    assert Payment.objects.filter(**of_booking(booking)).count() == 1
    assert [i.id for i in stripe_intents()] == [the_payment(booking).stripe_payment_intent_id]
    assert subjects(mailoutbox, booking.seeker.user.email) == ["Your session is confirmed"]


def test_booking_accept_without_a_card_waits_for_payment_and_asks_for_one(accepted, mailoutbox):
    booking = accepted(card=None)
    payment = Payment.objects.get(**of_booking(booking))
    assert (booking.status, payment.status) == (Status.PAYMENT_PENDING, PStatus.FAILED)
    assert "no saved card" in payment.failure_message
    assert subjects(mailoutbox, booking.seeker.user.email) == ["Please complete your payment"]
    assert stripe_intents() == []


# --- a card declined on charge ---------------------------------------------------------------------------


def test_charge_declined_waits_for_payment_and_asks_the_seeker_once(accepted, after_commit, mailoutbox):
    booking = accepted(card=DECLINES_ON_CHARGE, hours_ahead=72)
    payment = Payment.objects.get(**of_booking(booking))
    assert (booking.status, booking.amount_paid_cents) == (Status.PAYMENT_PENDING, 0)
    assert (payment.status, payment.failure_message) == (PStatus.FAILED, "Your card was declined.")
    assert booking.payment_due_by == booking.accepted_at + dt.timedelta(hours=12)
    assert booking.slot.status == Slot.Status.HELD
    with after_commit():  # the task runs again (a worker retry, a redelivery)
        tasks.charge_off_session.delay(payable_of(booking))
    assert Payment.objects.filter(**of_booking(booking)).count() == 1
    assert subjects(mailoutbox, booking.seeker.user.email) == ["Please complete your payment"]
    mail = next(m for m in mailoutbox if m.to == [booking.seeker.user.email])
    assert f"/sessions/{booking.pk}/pay/" in mail.body
    assert [i.status for i in stripe_intents()] == ["requires_payment_method"]


def test_charge_declined_deadline_is_two_hours_before_a_near_start(accepted):
    booking = accepted(card=DECLINES_ON_CHARGE, hours_ahead=10)
    assert booking.status == Status.PAYMENT_PENDING
    assert booking.payment_due_by == booking.start - dt.timedelta(hours=2)
    assert booking.payment_due_by < booking.accepted_at + dt.timedelta(hours=12)


def test_pay_on_session_after_replacing_a_declined_card_confirms(accepted, after_commit, mailoutbox):
    booking = accepted(card=DECLINES_ON_CHARGE)
    give_card(booking.seeker, GOOD)
    with after_commit():
        payment, intent = bookings.booking_pay(booking_id=booking.pk, seeker=booking.seeker)
    booking.refresh_from_db()
    assert (intent.status, payment.status, payment.off_session, payment.attempt) == (
        "succeeded",
        PStatus.SUCCEEDED,
        False,
        2,
    )
    assert (booking.status, booking.amount_paid_cents) == (Status.CONFIRMED, 6500)
    assert booking.slot.status == Slot.Status.BOOKED
    on_stripe = sdk().v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    assert (on_stripe.amount, on_stripe.status) == (6500, "succeeded")
    assert sorted(Payment.objects.filter(**of_booking(booking)).values_list("status", flat=True)) == [
        PStatus.FAILED,
        PStatus.SUCCEEDED,
    ]
    assert subjects(mailoutbox, booking.seeker.user.email) == [
        "Please complete your payment",
        "Your session is confirmed",
    ]
    assert "Receipt: $65 paid with your Visa card ending 4242" in mailoutbox[-2].body + mailoutbox[-1].body
    with pytest.raises(PaymentError, match="already paid"):
        bookings.booking_pay(booking_id=booking.pk, seeker=booking.seeker)
    assert len(stripe_intents()) == 2


def test_pay_on_session_with_a_card_that_declines_again_shows_the_message_and_keeps_waiting(accepted):
    booking = accepted(card=DECLINES_ON_CHARGE)
    payment, intent = bookings.booking_pay(booking_id=booking.pk, seeker=booking.seeker)
    booking.refresh_from_db()
    assert (payment.status, payment.failure_message) == (PStatus.FAILED, "Your card was declined.")
    assert booking.status == Status.PAYMENT_PENDING


def test_pay_on_session_for_another_seekers_booking_is_refused(accepted):
    booking = accepted(card=DECLINES_ON_CHARGE)
    stranger = SeekerFactory()
    give_card(stranger)
    with pytest.raises(PaymentError, match="couldn't find"):
        bookings.booking_pay(booking_id=booking.pk, seeker=stranger)
    assert Payment.objects.filter(**of_booking(booking)).count() == 1


def test_bookings_release_due_releases_an_unpaid_booking_and_tells_both(accepted, after_commit, mailoutbox):
    booking = offer_the_hour_of(accepted(card=DECLINES_ON_CHARGE, slot__start=offered_hour_from_now(72)))
    mailoutbox.clear()
    with after_commit():
        assert bookings.bookings_release_due(now=booking.payment_due_by - dt.timedelta(seconds=1)) == 0
        assert bookings.bookings_release_due(now=booking.payment_due_by) == 1
        assert bookings.bookings_release_due(now=booking.payment_due_by) == 0
    booking.refresh_from_db()
    assert (booking.status, booking.amount_paid_cents) == (Status.RELEASED, 0)
    assert Slot.objects.get(pk=booking.slot_id).status == Slot.Status.OPEN
    assert subjects(mailoutbox, booking.seeker.user.email) == ["Your session was released"]
    assert subjects(mailoutbox, booking.supporter.user.email) == ["A session was released"]
    assert not Refund.objects.exists()
    with pytest.raises(PaymentError, match="can't be paid any more"):
        bookings.booking_pay(booking_id=booking.pk, seeker=booking.seeker)


# --- 3-D Secure ---------------------------------------------------------------------------------------


def test_charge_needing_3d_secure_off_session_waits_for_payment(accepted, mailoutbox):
    """localstripe answers an off-session 3-D Secure charge with a requires_action intent."""
    booking = accepted(card=NEEDS_3DS)
    payment = Payment.objects.get(**of_booking(booking))
    assert booking.status == Status.PAYMENT_PENDING
    assert payment.status == PStatus.REQUIRES_ACTION
    assert "confirm this payment" in payment.failure_message
    assert sdk().v1.payment_intents.retrieve(payment.stripe_payment_intent_id).status == "requires_action"
    assert subjects(mailoutbox, booking.seeker.user.email) == ["Please complete your payment"]


def test_charge_authentication_required_as_real_stripe_answers_waits_for_payment(after_commit, mailoutbox):
    """Real Stripe refuses an off-session charge that needs 3-D Secure with a 402 card error,
    code authentication_required, carrying the failed intent; localstripe answers requires_action
    instead and can't be made to send that error. So the test builds the Intent the gateway makes of
    that error (its CardError branch) and records it through payment_record, as the charge does."""
    booking = BookingFactory()
    give_card(booking.seeker)
    with transaction.atomic():  # accept without running the charge task: it wrote the attempt, unsent
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    payment = Payment.objects.get(
        payable_id=payable_of(booking), idempotency_key=f"booking-{booking.pk}-charge-1"
    )
    Payment.objects.filter(pk=payment.pk).update(sends=1)  # sent, as the task does, with the answer below
    intent = gateway.Intent(
        id="pi_3DSrequired",
        status="requires_payment_method",
        client_secret="pi_3DSrequired_secret_x",
        amount=6500,
        failure_message="Your bank wants to confirm this payment with you.",
        card_brand="",
        card_last4="",
        metadata={},
    )
    with after_commit():
        recorded = services.payment_record(payment_id=payment.pk, intent=intent)
        services.payment_record(payment_id=payment.pk, intent=intent)  # recorded twice: one email
    booking.refresh_from_db()
    assert (recorded.status, recorded.stripe_payment_intent_id) == (PStatus.FAILED, "pi_3DSrequired")
    assert recorded.failure_message == "Your bank wants to confirm this payment with you."
    assert booking.status == Status.PAYMENT_PENDING
    assert subjects(mailoutbox, booking.seeker.user.email) == ["Please complete your payment"]


def test_gateway_turns_stripes_authentication_required_error_into_a_failed_intent(monkeypatch):
    """The gateway branch above, fed the 402 body real Stripe sends (localstripe can't send it)."""
    body = {
        "error": {
            "type": "card_error",
            "code": "authentication_required",
            "message": "Your card was declined. This transaction requires authentication.",
            "payment_intent": {
                "id": "pi_needs_auth",
                "object": "payment_intent",
                "status": "requires_payment_method",
                "client_secret": "pi_needs_auth_secret_x",
                "amount": 6500,
            },
        }
    }
    error = stripe.CardError(
        body["error"]["message"], None, "authentication_required", http_status=402, json_body=body
    )

    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(gateway.client().v1.payment_intents, "create", refuse)
    intent = gateway.payment_intent_create(
        amount=6500,
        customer_id="cus_x",
        payment_method_id="pm_x",
        off_session=True,
        idempotency_key="booking-1-charge-1",
        metadata={},
    )
    assert (intent.id, intent.status, intent.client_secret) == (
        "pi_needs_auth",
        "requires_payment_method",
        "pi_needs_auth_secret_x",
    )
    assert intent.failure_message == "Your bank wants to confirm this payment with you."
    assert services.STRIPE_TO_STATUS[intent.status] == PStatus.FAILED


def test_pay_on_session_with_3d_secure_needs_action_then_confirms(accepted, after_commit, mailoutbox):
    booking = accepted(card=NEEDS_3DS)
    payment, intent = bookings.booking_pay(booking_id=booking.pk, seeker=booking.seeker)
    assert (intent.status, payment.status) == ("requires_action", PStatus.REQUIRES_ACTION)
    assert intent.client_secret.startswith(f"{payment.stripe_payment_intent_id}_secret_")
    booking.refresh_from_db()
    assert booking.status == Status.PAYMENT_PENDING
    authenticate(intent.client_secret)  # the seeker completes 3-D Secure in the browser
    with after_commit():
        checked = bookings.booking_pay_check(
            booking_id=booking.pk, seeker=booking.seeker, payment_id=payment.pk
        )
        pay_check(booking, payment.pk, seeker=booking.seeker)
    booking.refresh_from_db()
    assert checked.status == PStatus.SUCCEEDED
    assert (booking.status, booking.amount_paid_cents) == (Status.CONFIRMED, 6500)
    assert subjects(mailoutbox, booking.seeker.user.email).count("Your session is confirmed") == 1
    assert not Refund.objects.exists()


def test_pay_on_session_with_failed_3d_secure_keeps_waiting(accepted):
    booking = accepted(card=NEEDS_3DS)
    payment, intent = bookings.booking_pay(booking_id=booking.pk, seeker=booking.seeker)
    authenticate(intent.client_secret, success=False)
    checked = pay_check(booking, payment.pk, seeker=booking.seeker)
    booking.refresh_from_db()
    assert checked.status == PStatus.FAILED
    assert "failed authentication" in checked.failure_message
    assert booking.status == Status.PAYMENT_PENDING


def test_payment_check_of_another_seekers_payment_is_not_found(accepted):
    booking = accepted(card=NEEDS_3DS)
    payment, _intent = bookings.booking_pay(booking_id=booking.pk, seeker=booking.seeker)
    assert pay_check(booking, payment.pk, seeker=SeekerFactory()) is None


# --- late and duplicate successes --------------------------------------------------------------------


def test_3d_secure_completed_as_the_booking_is_released_is_refunded_as_a_late_payment(accepted, after_commit):
    """The seeker finishes 3-D Secure just before the release job runs, and their browser never comes
    back: the intent can no longer be cancelled. Its money must go back, not be marked cancelled."""
    booking = accepted(card=NEEDS_3DS)
    payment, intent = bookings.booking_pay(booking_id=booking.pk, seeker=booking.seeker)
    authenticate(intent.client_secret)
    with after_commit():
        bookings.bookings_release_due(now=booking.payment_due_by)
    booking.refresh_from_db()
    payment.refresh_from_db()
    assert (booking.status, booking.amount_paid_cents) == (Status.RELEASED, 0)
    assert payment.status == PStatus.DUPLICATE
    refund = Refund.objects.get(payment=payment)
    assert (refund.reason, refund.amount_cents, refund.status) == (
        Refund.Reason.LATE_PAYMENT,
        6500,
        Refund.Status.SUCCEEDED,
    )
    assert [(r.id, r.amount) for r in stripe_refunds(payment)] == [(refund.stripe_refund_id, 6500)]
    # The browser comes back after all: nothing more happens.
    with after_commit():
        pay_check(booking, payment.pk, seeker=booking.seeker)
    assert Refund.objects.count() == 1
    # The off-session attempt that needed 3-D Secure was cancelled on Stripe.
    off_session = Payment.objects.get(**of_booking(booking), off_session=True)
    assert off_session.status == PStatus.CANCELED
    assert sdk().v1.payment_intents.retrieve(off_session.stripe_payment_intent_id).status == "canceled"


def test_second_success_for_a_paid_booking_is_a_duplicate_refunded_at_once(
    accepted, after_commit, mailoutbox
):
    """Two browser tabs, two on-session attempts, both completed: the second is given back at once."""
    booking = accepted(card=NEEDS_3DS)
    first, first_intent = bookings.booking_pay(booking_id=booking.pk, seeker=booking.seeker)
    second, second_intent = bookings.booking_pay(booking_id=booking.pk, seeker=booking.seeker)
    authenticate(first_intent.client_secret)
    authenticate(second_intent.client_secret)
    with after_commit():
        assert (
            bookings.booking_pay_check(
                booking_id=booking.pk, seeker=booking.seeker, payment_id=first.pk
            ).status
            == PStatus.SUCCEEDED
        )
        assert (
            bookings.booking_pay_check(
                booking_id=booking.pk, seeker=booking.seeker, payment_id=second.pk
            ).status
            == PStatus.DUPLICATE
        )
    booking.refresh_from_db()
    assert (booking.status, booking.amount_paid_cents) == (Status.CONFIRMED, 6500)
    refund = Refund.objects.get()
    assert (refund.payment_id, refund.reason, refund.amount_cents, refund.status) == (
        second.pk,
        Refund.Reason.DUPLICATE,
        6500,
        Refund.Status.SUCCEEDED,
    )
    second.refresh_from_db()
    assert [r.id for r in stripe_refunds(second)] == [refund.stripe_refund_id]
    assert stripe_refunds(Payment.objects.get(pk=first.pk)) == []
    assert subjects(mailoutbox, booking.seeker.user.email).count("Your session is confirmed") == 1


# --- refunds by the rules ------------------------------------------------------------------------------


def test_cancel_by_seeker_24_hours_ahead_twice_refunds_in_full_once(paid, after_commit):
    booking = paid(hours_ahead=72)
    with after_commit():
        bookings.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)
    with after_commit():
        bookings.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)
    booking.refresh_from_db()
    payment = the_payment(booking)
    refund = Refund.objects.get()
    assert booking.status == Status.CANCELLED
    assert (refund.payment, refund.amount_cents, refund.reason, refund.status) == (
        payment,
        6500,
        Refund.Reason.POLICY,
        Refund.Status.SUCCEEDED,
    )
    assert (refund.attempts, refund.idempotency_key) == (1, f"refund-{payment.pk}-1")
    assert payment.refunded_cents == 6500
    assert [(r.id, r.amount, r.status) for r in stripe_refunds(payment)] == [
        (refund.stripe_refund_id, 6500, "succeeded")
    ]


def test_cancel_by_seeker_late_keeps_the_fee(paid, after_commit):
    booking = paid(hours_ahead=20)
    with after_commit():
        bookings.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)
    booking.refresh_from_db()
    assert (booking.status, booking.money) == (Status.LATE_CANCELLED, Booking.Money.KEEP_FEE)
    assert not Refund.objects.exists()
    assert stripe_refunds(the_payment(booking)) == []


def test_seeker_no_show_keeps_the_fee(paid, after_commit):
    booking = paid(hours_ahead=5)
    with after_commit():
        bookings.booking_mark_seeker_no_show(
            booking_id=booking.pk, supporter=booking.supporter, now=booking.start + dt.timedelta(minutes=15)
        )
    booking.refresh_from_db()
    assert (booking.status, booking.money) == (Status.NO_SHOW, Booking.Money.KEEP_FEE)
    assert not Refund.objects.exists()
    assert stripe_refunds(the_payment(booking)) == []


def test_cancel_by_supporter_refunds_in_full(paid, after_commit):
    booking = paid(hours_ahead=5)
    with after_commit():
        bookings.booking_cancel_by_supporter(booking_id=booking.pk, supporter=booking.supporter)
        bookings.booking_cancel_by_supporter(booking_id=booking.pk, supporter=booking.supporter)
    refund = Refund.objects.get()
    assert (refund.amount_cents, refund.reason, refund.status) == (6500, "policy", Refund.Status.SUCCEEDED)
    assert [r.amount for r in stripe_refunds(the_payment(booking))] == [6500]


def test_supporter_no_show_confirmed_by_staff_refunds_in_full(paid, after_commit):
    booking = paid(hours_ahead=5)
    staff = StaffFactory()
    now = booking.start + dt.timedelta(minutes=15)
    with after_commit():
        bookings.booking_report_supporter_absent(booking_id=booking.pk, seeker=booking.seeker, now=now)
        assert not Refund.objects.exists()  # a report alone refunds nothing
        bookings.booking_confirm_supporter_no_show(booking_id=booking.pk, staff=staff, now=now)
        bookings.booking_confirm_supporter_no_show(booking_id=booking.pk, staff=staff, now=now)
    refund = Refund.objects.get()
    assert (refund.amount_cents, refund.reason, refund.status) == (6500, "policy", Refund.Status.SUCCEEDED)
    assert [r.amount for r in stripe_refunds(the_payment(booking))] == [6500]


def test_guarantee_twice_refunds_in_full_once(paid, after_commit):
    booking = paid(hours_ahead=5)
    bookings.booking_complete(booking_id=booking.pk, now=booking.end)
    with after_commit():
        for _ in range(2):
            bookings.booking_feedback(
                booking_id=booking.pk,
                seeker=booking.seeker,
                loved=False,
                comment="Not for me",
                now=booking.end + dt.timedelta(days=6),
            )
    booking.refresh_from_db()
    refund = Refund.objects.get()
    assert (booking.status, booking.money) == (Status.REFUNDED, Booking.Money.REFUND_FULL)
    assert (refund.amount_cents, refund.reason, refund.status) == (
        6500,
        Refund.Reason.GUARANTEE,
        Refund.Status.SUCCEEDED,
    )
    assert [r.amount for r in stripe_refunds(the_payment(booking))] == [6500]


def test_guarantee_after_seven_days_is_refused_and_refunds_nothing(paid, after_commit):
    booking = paid(hours_ahead=5)
    bookings.booking_complete(booking_id=booking.pk, now=booking.end)
    with after_commit(), pytest.raises(BookingError, match="7 days"):
        bookings.booking_feedback(
            booking_id=booking.pk,
            seeker=booking.seeker,
            loved=False,
            now=booking.end + settings.GUARANTEE_WINDOW + dt.timedelta(seconds=1),
        )
    booking.refresh_from_db()
    assert booking.status == Status.COMPLETED
    assert not Refund.objects.exists()
    assert stripe_refunds(the_payment(booking)) == []


def test_loved_feedback_refunds_nothing(paid, after_commit):
    booking = paid(hours_ahead=5)
    bookings.booking_complete(booking_id=booking.pk, now=booking.end)
    with after_commit():
        bookings.booking_feedback(booking_id=booking.pk, seeker=booking.seeker, loved=True, now=booking.end)
    assert not Refund.objects.exists()


def test_reschedule_keeps_the_payment_and_charges_nothing_more(paid, after_commit):
    booking = paid(hours_ahead=72)
    new_slot = SlotFactory(supporter=booking.supporter, start=booking.start + dt.timedelta(days=1))
    with after_commit():
        bookings.booking_reschedule(booking_id=booking.pk, seeker=booking.seeker, new_slot_id=new_slot.pk)
    booking.refresh_from_db()
    assert (booking.status, booking.amount_paid_cents, booking.slot_id) == (
        Status.CONFIRMED,
        6500,
        new_slot.pk,
    )
    assert Payment.objects.filter(**of_booking(booking)).count() == 1
    assert len(stripe_intents()) == 1
    assert not Refund.objects.exists()


# --- staff refunds and the cap ---------------------------------------------------------------------------


def test_refund_by_staff_partial_refunds_add_up_to_at_most_the_charge(paid, after_commit):
    booking = paid()
    payment, staff = the_payment(booking), StaffFactory()
    with after_commit():
        services.refund_by_staff(payment_id=payment.pk, amount_cents=2000, staff=staff, note="goodwill")
        services.refund_by_staff(payment_id=payment.pk, amount_cents=4500, staff=staff)
    with pytest.raises(PaymentError, match=r"At most 0.00"):
        services.refund_by_staff(payment_id=payment.pk, amount_cents=1, staff=staff)
    payment.refresh_from_db()
    assert payment.refunded_cents == 6500
    refunds = Refund.objects.order_by("pk")
    assert [(r.amount_cents, r.reason, r.status, r.created_by) for r in refunds] == [
        (2000, "staff", Refund.Status.SUCCEEDED, staff),
        (4500, "staff", Refund.Status.SUCCEEDED, staff),
    ]
    assert [r.idempotency_key for r in refunds] == [f"refund-{payment.pk}-1", f"refund-{payment.pk}-2"]
    assert sorted(r.amount for r in stripe_refunds(payment)) == [2000, 4500]


def test_refund_by_staff_more_than_what_is_left_is_refused_and_changes_nothing(paid, after_commit):
    booking = paid()
    payment, staff = the_payment(booking), StaffFactory()
    with after_commit():
        services.refund_by_staff(payment_id=payment.pk, amount_cents=6000, staff=staff)
    for amount in (501, 6501, 0, -5):
        with pytest.raises(PaymentError, match=r"At most 5.00 can be refunded"):
            services.refund_by_staff(payment_id=payment.pk, amount_cents=amount, staff=staff)
    payment.refresh_from_db()
    assert payment.refunded_cents == 6000
    assert Refund.objects.count() == 1
    assert [r.amount for r in stripe_refunds(payment)] == [6000]


def test_refund_by_staff_then_a_policy_refund_gives_back_only_the_rest(paid, after_commit):
    booking = paid(hours_ahead=72)
    payment = the_payment(booking)
    with after_commit():
        services.refund_by_staff(payment_id=payment.pk, amount_cents=1500, staff=StaffFactory())
        bookings.booking_cancel_by_supporter(booking_id=booking.pk, supporter=booking.supporter)
    payment.refresh_from_db()
    assert payment.refunded_cents == 6500
    assert sorted(Refund.objects.values_list("reason", "amount_cents")) == [("policy", 5000), ("staff", 1500)]
    assert sum(r.amount for r in stripe_refunds(payment)) == 6500


def test_refund_by_staff_of_a_payment_that_did_not_succeed_is_refused(accepted):
    booking = accepted(card=DECLINES_ON_CHARGE)
    payment = Payment.objects.get(**of_booking(booking))
    with pytest.raises(PaymentError, match="Only a completed payment"):
        services.refund_by_staff(payment_id=payment.pk, amount_cents=100, staff=StaffFactory())
    assert not Refund.objects.exists()


def test_payment_refund_cap_constraint_refuses_an_over_refund_even_without_the_service(paid):
    payment = the_payment(paid())
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(refunded_cents=6501)
    Payment.objects.filter(pk=payment.pk).update(refunded_cents=6500)  # up to the charge is fine
    payment.refresh_from_db()
    assert payment.refunded_cents == 6500


def test_one_policy_refund_per_payment_constraint_holds_without_the_service(paid, after_commit):
    booking = paid(hours_ahead=72)
    with after_commit():
        bookings.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)
    with pytest.raises(IntegrityError), transaction.atomic():
        Refund.objects.create(
            payment=the_payment(booking), amount_cents=1, reason="guarantee", idempotency_key="refund-x"
        )


# --- Stripe unreachable, or refusing --------------------------------------------------------------------


def test_charge_with_stripe_unreachable_stays_pending_then_the_retry_charges_once_with_the_same_key(
    stripe_down, after_commit, monkeypatch, mailoutbox
):
    keys = spy_keys(monkeypatch)
    booking = BookingFactory()
    give_card(booking.seeker)
    with transaction.atomic():  # accepted; its charge task is called by hand below, with Stripe down
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    with stripe_down(), pytest.raises(gateway.GatewayUnavailable):
        services.payment_charge_off_session(payable_id=payable_of(booking))
    booking.refresh_from_db()
    payment = Payment.objects.get(**of_booking(booking))
    assert booking.status == Status.PAYMENT_PENDING
    assert (payment.status, payment.stripe_payment_intent_id, payment.sends) == (PStatus.PENDING, None, 1)
    key = payment.idempotency_key
    assert stripe_intents() == []  # nothing charged
    with stripe_down():  # the sweep while Stripe is still down changes nothing
        assert services.payments_retry_pending(older_than=dt.timedelta(0)) == 0
    assert services.payments_retry_pending() == 0  # too fresh: its own task is still retrying it
    with after_commit():
        assert services.payments_retry_pending(older_than=dt.timedelta(0)) == 1
    booking.refresh_from_db()
    payment.refresh_from_db()
    assert (booking.status, booking.amount_paid_cents) == (Status.CONFIRMED, 6500)
    assert (payment.status, payment.idempotency_key, payment.sends) == (PStatus.SUCCEEDED, key, 3)
    assert keys == [key, key, key]
    assert Payment.objects.filter(**of_booking(booking)).count() == 1
    assert [i.id for i in stripe_intents()] == [payment.stripe_payment_intent_id]
    assert subjects(mailoutbox, booking.seeker.user.email) == ["Your session is confirmed"]
    assert services.payments_retry_pending(older_than=dt.timedelta(0)) == 0


def test_refund_with_stripe_unreachable_fails_visibly_then_the_retry_refunds_once(
    paid, stripe_down, after_commit
):
    booking = paid(hours_ahead=72)
    with stripe_down(), after_commit():
        bookings.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)
    booking.refresh_from_db()
    refund = Refund.objects.get()
    assert booking.status == Status.CANCELLED  # the cancellation stands; the money follows
    assert (refund.status, refund.attempts, refund.stripe_refund_id) == (Refund.Status.FAILED, 1, None)
    assert "Network error" in refund.last_error
    assert stripe_refunds(the_payment(booking)) == []
    assert services.refunds_retry_due() == 1
    assert services.refunds_retry_due() == 0
    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.last_error) == (Refund.Status.SUCCEEDED, 2, "")
    assert [(r.id, r.amount) for r in stripe_refunds(the_payment(booking))] == [
        (refund.stripe_refund_id, 6500)
    ]


def test_refunds_retry_due_leaves_a_fresh_pending_refund_to_its_own_task(paid):
    booking = paid(hours_ahead=72)
    bookings.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)  # task not run
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.PENDING
    assert services.refunds_retry_due() == 0
    assert stripe_refunds(the_payment(booking)) == []
    assert services.refunds_retry_due(older_than=dt.timedelta(0)) == 1
    assert [r.amount for r in stripe_refunds(the_payment(booking))] == [6500]


def test_refund_send_rereads_a_refund_stripe_already_has_instead_of_refunding_again(paid):
    """Stripe answered "pending" (bank transfers can take days), so we hold its id but not its end."""
    booking = paid(hours_ahead=72)
    bookings.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)  # task not run
    refund = Refund.objects.get()
    payment = the_payment(booking)
    on_stripe = sdk().v1.refunds.create(
        params={"payment_intent": payment.stripe_payment_intent_id, "amount": 6500}
    )
    Refund.objects.filter(pk=refund.pk).update(stripe_refund_id=on_stripe.id)
    assert services.refund_send(refund_id=refund.pk).status == Refund.Status.SUCCEEDED
    assert [r.id for r in stripe_refunds(payment)] == [on_stripe.id]


def test_refund_send_gives_up_after_the_attempt_limit_and_stays_failed_for_staff(paid):
    booking = paid(hours_ahead=72)
    bookings.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)
    refund = Refund.objects.get()
    Refund.objects.filter(pk=refund.pk).update(
        status=Refund.Status.FAILED, attempts=services.MAX_REFUND_ATTEMPTS, last_error="boom"
    )
    assert services.refunds_retry_due() == 0
    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (Refund.Status.FAILED, services.MAX_REFUND_ATTEMPTS)
    assert stripe_refunds(the_payment(booking)) == []


def test_charge_refused_by_stripe_fails_the_attempt_instead_of_retrying_it_forever(after_commit, mailoutbox):
    """The customer was deleted in Stripe's dashboard: Stripe answers 404, which no retry will change."""
    booking = BookingFactory()
    customer = give_card(booking.seeker)
    sdk().v1.customers.delete(customer.stripe_customer_id)
    with after_commit():
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    booking.refresh_from_db()
    payment = Payment.objects.get(**of_booking(booking))
    assert booking.status == Status.PAYMENT_PENDING
    assert payment.status == PStatus.FAILED
    assert "couldn't be used" in payment.failure_message
    assert subjects(mailoutbox, booking.seeker.user.email) == ["Please complete your payment"]
    assert services.payments_retry_pending(older_than=dt.timedelta(0)) == 0


def test_pay_on_session_with_stripe_unreachable_then_again_reuses_the_attempt_and_its_key(
    accepted, stripe_down, monkeypatch
):
    booking = accepted(card=DECLINES_ON_CHARGE)
    give_card(booking.seeker, GOOD)
    keys = spy_keys(monkeypatch)
    with stripe_down(), pytest.raises(gateway.GatewayUnavailable):
        bookings.booking_pay(booking_id=booking.pk, seeker=booking.seeker)
    waiting = Payment.objects.get(**of_booking(booking), attempt=2)
    assert (waiting.status, waiting.off_session) == (PStatus.PENDING, False)
    assert waiting.failure_message == services.UNANSWERED  # marked: no answer came, safe to send again
    payment, intent = bookings.booking_pay(booking_id=booking.pk, seeker=booking.seeker)
    assert (payment.pk, payment.status, payment.sends) == (waiting.pk, PStatus.SUCCEEDED, 2)
    assert keys == [waiting.idempotency_key, waiting.idempotency_key]
    assert Payment.objects.filter(**of_booking(booking)).count() == 2
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED


def test_pay_on_session_while_another_try_is_in_flight_is_refused(accepted, monkeypatch, after_commit):
    """A double click or a second tab: the first try is still waiting for Stripe's answer (here its
    worker died mid-call). The second is refused rather than sent; the sweep closes the first later."""
    booking = accepted(card=DECLINES_ON_CHARGE)
    give_card(booking.seeker, GOOD)

    def die(**kwargs):
        raise RuntimeError("worker died")

    with monkeypatch.context() as patch:
        patch.setattr("payments.services.charges.payment_record", die)
        with pytest.raises(RuntimeError):
            bookings.booking_pay(booking_id=booking.pk, seeker=booking.seeker)
    with pytest.raises(PaymentError, match="already being processed"):
        bookings.booking_pay(booking_id=booking.pk, seeker=booking.seeker)
    assert Payment.objects.filter(**of_booking(booking)).count() == 2
    assert services.payments_retry_pending(older_than=dt.timedelta(0)) == 1
    first = Payment.objects.get(**of_booking(booking), attempt=2)
    assert first.status == PStatus.FAILED
    # The call had reached Stripe and succeeded: Stripe's event says so, and that is what counts.
    event = sdk().v1.events.list(params={"type": "payment_intent.succeeded"}).data[0].to_dict()
    with after_commit():
        body, signature = signed(event)
        services.webhook_receive(payload=body, signature=signature)
    first.refresh_from_db()
    booking.refresh_from_db()
    assert (first.status, booking.status, booking.amount_paid_cents) == (
        PStatus.SUCCEEDED,
        Status.CONFIRMED,
        6500,
    )


def test_payments_retry_pending_closes_an_unanswered_on_session_attempt_without_charging(
    accepted, stripe_down, mailoutbox
):
    booking = accepted(card=DECLINES_ON_CHARGE)
    give_card(booking.seeker, GOOD)
    with stripe_down(), pytest.raises(gateway.GatewayUnavailable):
        bookings.booking_pay(booking_id=booking.pk, seeker=booking.seeker)
    assert services.payments_retry_pending(older_than=dt.timedelta(0)) == 1
    attempt = Payment.objects.get(**of_booking(booking), attempt=2)
    assert (attempt.status, attempt.failure_message) == (PStatus.FAILED, services.UNANSWERED)
    booking.refresh_from_db()
    assert booking.status == Status.PAYMENT_PENDING
    assert [i.status for i in stripe_intents()] == ["requires_payment_method"]  # only the declined one
    assert subjects(mailoutbox).count("Please complete your payment") == 1
    # The seeker can pay again at once.
    assert bookings.booking_pay(booking_id=booking.pk, seeker=booking.seeker)[0].attempt == 3


def test_release_closes_an_off_session_attempt_that_never_reached_stripe(stripe_down, after_commit):
    booking = BookingFactory()
    give_card(booking.seeker)
    with transaction.atomic():
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    with stripe_down(), pytest.raises(gateway.GatewayUnavailable):
        services.payment_charge_off_session(payable_id=payable_of(booking))
    booking.refresh_from_db()
    with after_commit():
        bookings.bookings_release_due(now=booking.payment_due_by)
    payment = Payment.objects.get(**of_booking(booking))
    assert payment.status == PStatus.CANCELED
    assert services.payments_retry_pending(older_than=dt.timedelta(0)) == 0
    assert stripe_intents() == []


def test_payment_record_of_a_late_success_on_a_closed_attempt_refunds_it(stripe_down, after_commit):
    """The send we gave up on had reached Stripe after all; Stripe's webhook tells us it succeeded."""
    booking = BookingFactory()
    customer = give_card(booking.seeker)
    with transaction.atomic():
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    with stripe_down(), pytest.raises(gateway.GatewayUnavailable):
        services.payment_charge_off_session(payable_id=payable_of(booking))
    booking.refresh_from_db()
    with after_commit():
        bookings.bookings_release_due(now=booking.payment_due_by)
    payment = Payment.objects.get(**of_booking(booking))
    assert payment.status == PStatus.CANCELED
    late = sdk().v1.payment_intents.create(
        params={
            "amount": 6500,
            "currency": "usd",
            "customer": customer.stripe_customer_id,
            "payment_method": customer.payment_method_id,
            "confirm": True,
            "metadata": {"payment_id": str(payment.pk), "booking_id": str(booking.pk)},
        }
    )
    with after_commit():
        services.payment_record(payment_id=payment.pk, intent=gateway.payment_intent_get(late.id))
    payment.refresh_from_db()
    assert (payment.status, payment.stripe_payment_intent_id) == (PStatus.DUPLICATE, late.id)
    refund = Refund.objects.get(payment=payment)
    assert (refund.reason, refund.status) == (Refund.Reason.LATE_PAYMENT, Refund.Status.SUCCEEDED)
    assert [r.amount for r in stripe_refunds(payment)] == [6500]
    booking.refresh_from_db()
    assert (booking.status, booking.amount_paid_cents) == (Status.RELEASED, 0)


def test_payment_record_never_undoes_a_success(paid):
    booking = paid()
    payment = the_payment(booking)
    failed = gateway.Intent(
        payment.stripe_payment_intent_id, "requires_payment_method", None, 6500, "no", "", "", {}
    )
    assert services.payment_record(payment_id=payment.pk, intent=failed).status == PStatus.SUCCEEDED
    canceled = gateway.Intent(payment.stripe_payment_intent_id, "canceled", None, 6500, "", "", "", {})
    assert services.payment_record(payment_id=payment.pk, intent=canceled).status == PStatus.SUCCEEDED
    booking.refresh_from_db()
    assert (booking.status, booking.amount_paid_cents) == (Status.CONFIRMED, 6500)


def test_cancel_while_waiting_for_payment_refunds_nothing_and_cancels_the_open_intent(accepted, after_commit):
    booking = accepted(card=NEEDS_3DS)
    open_payment = Payment.objects.get(**of_booking(booking))
    with after_commit():
        bookings.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)
    booking.refresh_from_db()
    open_payment.refresh_from_db()
    assert (booking.status, booking.money) == (Status.CANCELLED, Booking.Money.NOTHING_TO_CHARGE)
    assert open_payment.status == PStatus.CANCELED
    assert sdk().v1.payment_intents.retrieve(open_payment.stripe_payment_intent_id).status == "canceled"
    assert not Refund.objects.exists()


def test_payments_cancel_open_with_stripe_unreachable_leaves_the_attempt_for_later(accepted, stripe_down):
    booking = accepted(card=NEEDS_3DS)
    with stripe_down():
        services.payments_cancel_open(payable_id=payable_of(booking))
    assert Payment.objects.get(**of_booking(booking)).status == PStatus.REQUIRES_ACTION


def test_refund_that_stripe_finally_fails_is_released_for_staff(paid, after_commit):
    """Stripe can end a refund as "failed" (a closed card account). localstripe never does, so the
    answer is given to refund_record directly, as the webhook or a re-read would."""
    booking = paid()
    with after_commit():
        bookings.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)
    refund = Refund.objects.get(payment__payable__key_prefix=f"booking-{booking.pk}")
    payment = refund.payment
    services.refund_record(refund_id=refund.pk, stripe_refund_id="re_failed_later", stripe_status="failed")
    refund.refresh_from_db(), payment.refresh_from_db()
    # It was succeeded in localstripe; a later "failed" never undoes a success.
    assert refund.status == Refund.Status.SUCCEEDED
    # A refund still pending when Stripe says failed: cancelled, and its amount is free for staff again.
    Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.PENDING)
    services.refund_record(
        refund_id=refund.pk, stripe_refund_id=refund.stripe_refund_id, stripe_status="failed"
    )
    refund.refresh_from_db(), payment.refresh_from_db()
    assert refund.status == Refund.Status.CANCELED
    assert "by hand" in refund.last_error
    assert payment.refunded_cents == 0
    assert payment.refundable_cents == 6500
