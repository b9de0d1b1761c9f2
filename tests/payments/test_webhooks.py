"""Stripe's webhooks through the real endpoint, with events from localstripe where it makes them.

localstripe records payment_intent.* events (read back with events.list) but makes no charge.* events,
so those are built here with the real charge id from localstripe. localstripe's own deliveries are
never registered in these tests; every event is signed here with Stripe's scheme and the test secret.
"""

import datetime as dt
import logging
import time

import pytest
from django.db import transaction
from django.urls import reverse

from bookings import services as bookings
from bookings.models import Booking, BookingEvent
from notifications.models import Notification
from payments import gateway, services
from payments.models import Payment, Refund, WebhookEvent
from tests.conftest import free_port
from tests.factories import BookingFactory
from tests.payments.helpers import (
    DECLINES_ON_CHARGE,
    GOOD,
    booking_of_payment,
    event,
    give_card,
    of_booking,
    payable_of,
    sdk,
    signed,
)

pytestmark = pytest.mark.django_db

Status = Booking.Status
PStatus = Payment.Status


@pytest.fixture
def post(client):
    """POST a body to the webhook endpoint as Stripe does; ``signature=None`` sends no header."""

    def send(body: bytes, signature: str | None):
        headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
        return client.post(reverse("payments:webhook"), data=body, content_type="application/json", **headers)

    return send


def stripe_event(event_type: str) -> dict:
    """The newest event of that type localstripe recorded, as Stripe would send it."""
    events = sdk().v1.events.list(params={"type": event_type}).data
    assert events, f"localstripe recorded no {event_type}"
    return events[0].to_dict()


def lost_recording(monkeypatch, *, card: str | None = None) -> Payment:
    """A booking accepted and charged on Stripe, whose worker died before recording Stripe's answer: the
    attempt row is still pending, without the intent id (Stripe's intent carries our payment id)."""
    booking = BookingFactory()
    give_card(booking.seeker, *([card] if card else []))
    with transaction.atomic():  # accepted; its charge is run by hand below
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)

    def die(**kwargs):
        raise RuntimeError("worker died")

    with monkeypatch.context() as patch:
        patch.setattr("payments.services.sweep.payment_record", die)
        with pytest.raises(RuntimeError):
            services.payment_charge_off_session(payable_id=payable_of(booking))
    payment = Payment.objects.get(**of_booking(booking))
    assert (payment.status, payment.stripe_payment_intent_id) == (PStatus.PENDING, None)
    return payment


def subjects(mailoutbox, to=None) -> list[str]:
    return [m.subject for m in mailoutbox if to is None or m.to == [to]]


# --- signatures -----------------------------------------------------------------------------------------


def test_webhook_unknown_event_is_acknowledged_logged_and_stored(post, caplog):
    give_card_event = sdk().v1.customers.create(params={"email": "someone@example.com"})
    payload = stripe_event("customer.created")
    assert payload["data"]["object"]["id"] == give_card_event.id
    with caplog.at_level(logging.INFO, logger="payments.services"):
        response = post(*signed(payload))
    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert (stored.stripe_event_id, stored.type, stored.error) == (payload["id"], "customer.created", "")
    assert stored.processed_at is not None
    assert stored.payload["data"]["object"]["email"] == "someone@example.com"
    assert "customer.created acknowledged and ignored" in caplog.text


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(None, id="unsigned"),
        pytest.param("", id="empty"),
        pytest.param("t=123,v1=deadbeef", id="garbage"),
        pytest.param("wrong-secret", id="wrong-secret"),
        pytest.param("ten-minutes-old", id="outside-tolerance"),
        pytest.param("other-body", id="signature-of-another-body"),
    ],
)
def test_webhook_with_a_bad_signature_is_refused_and_changes_nothing(post, monkeypatch, signature):
    payment = lost_recording(monkeypatch)
    payload = stripe_event("payment_intent.succeeded")
    body, good = signed(payload)
    if signature == "wrong-secret":
        signature = signed(payload, secret="whsec_someone_else")[1]
    elif signature == "ten-minutes-old":
        signature = signed(payload, timestamp=int(time.time()) - 600)[1]
    elif signature == "other-body":
        signature = signed({**payload, "id": "evt_other"})[1]
    response = post(body, signature)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    payment.refresh_from_db()
    assert payment.status == PStatus.PENDING
    assert booking_of_payment(payment).status == Status.PAYMENT_PENDING
    # The same body, correctly signed, goes through: the refusals were about the signature alone.
    assert post(body, good).status_code == 200


def test_webhook_signed_just_inside_the_tolerance_is_accepted(post):
    sdk().v1.customers.create(params={"email": "someone@example.com"})
    body, signature = signed(stripe_event("customer.created"), timestamp=int(time.time()) - 240)
    assert post(body, signature).status_code == 200
    assert WebhookEvent.objects.count() == 1


def test_webhook_without_a_configured_secret_is_refused(post, settings):
    sdk().v1.customers.create(params={"email": "someone@example.com"})
    body, signature = signed(stripe_event("customer.created"))
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert post(body, signature).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_webhook_accepts_only_post(client):
    assert client.get(reverse("payments:webhook")).status_code == 405


# --- payment_intent events ----------------------------------------------------------------------------


@pytest.mark.parametrize("knew_the_intent_id", [False, True])
def test_payment_intent_succeeded_converges_a_lost_recording_to_confirmed(
    post, monkeypatch, after_commit, mailoutbox, knew_the_intent_id
):
    payment = lost_recording(monkeypatch)
    payload = stripe_event("payment_intent.succeeded")
    intent_id = payload["data"]["object"]["id"]
    if knew_the_intent_id:
        Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent_id=intent_id)
    with after_commit():
        assert post(*signed(payload)).status_code == 200
    payment.refresh_from_db()
    booking = booking_of_payment(payment)
    booking.refresh_from_db()
    assert (payment.status, payment.stripe_payment_intent_id) == (PStatus.SUCCEEDED, intent_id)
    assert (booking.status, booking.amount_paid_cents) == (Status.CONFIRMED, 6500)
    assert subjects(mailoutbox, booking.seeker.user.email) == ["Your session is confirmed"]
    assert "Receipt: $65 paid" in mailoutbox[0].body
    assert WebhookEvent.objects.get().processed_at is not None


def test_payment_intent_succeeded_delivered_five_times_has_one_effect(
    post, monkeypatch, after_commit, mailoutbox
):
    payment = lost_recording(monkeypatch)
    payload = stripe_event("payment_intent.succeeded")
    reads = []
    real = gateway.payment_intent_get
    monkeypatch.setattr(gateway, "payment_intent_get", lambda pi: reads.append(pi) or real(pi))
    with after_commit():
        for _ in range(5):
            assert post(*signed(payload)).status_code == 200
    stored = WebhookEvent.objects.get()
    assert stored.stripe_event_id == payload["id"]
    assert len(reads) == 1  # processed once; the four replays were only acknowledged
    booking = booking_of_payment(payment)
    assert booking.status == Status.CONFIRMED
    assert BookingEvent.objects.filter(booking=booking, to_status=Status.CONFIRMED).count() == 1
    assert Payment.objects.filter(**of_booking(booking), status=PStatus.SUCCEEDED).count() == 1
    assert subjects(mailoutbox, booking.seeker.user.email) == ["Your session is confirmed"]


def test_payment_failed_arriving_after_succeeded_leaves_it_succeeded(post, monkeypatch, after_commit):
    """Out of order: the failure event (built from the success's intent, as a stale snapshot of a
    failed try) comes last. The handler re-reads the intent from Stripe, which says succeeded."""
    payment = lost_recording(monkeypatch)
    succeeded = stripe_event("payment_intent.succeeded")
    stale = dict(succeeded["data"]["object"], status="requires_payment_method")
    failed = event("payment_intent.payment_failed", stale, event_id="evt_stale_failure")
    with after_commit():
        assert post(*signed(succeeded)).status_code == 200
        assert post(*signed(failed)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PStatus.SUCCEEDED
    assert booking_of_payment(payment).status == Status.CONFIRMED
    assert WebhookEvent.objects.count() == 2


def test_payment_failed_arriving_first_with_a_stale_payload_records_what_stripe_says_now(
    post, monkeypatch, after_commit
):
    payment = lost_recording(monkeypatch)
    obj = dict(stripe_event("payment_intent.succeeded")["data"]["object"], status="requires_payment_method")
    with after_commit():
        assert post(*signed(event("payment_intent.payment_failed", obj, event_id="evt_f"))).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PStatus.SUCCEEDED
    assert booking_of_payment(payment).status == Status.CONFIRMED


def test_payment_failed_event_from_localstripe_completes_our_failed_attempt_and_emails_once(
    post, after_commit, mailoutbox
):
    booking = BookingFactory()
    give_card(booking.seeker, DECLINES_ON_CHARGE)
    with after_commit():
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    payment = Payment.objects.get(**of_booking(booking))
    assert (payment.status, payment.stripe_payment_intent_id) == (PStatus.FAILED, None)
    payload = stripe_event("payment_intent.payment_failed")
    with after_commit():
        assert post(*signed(payload)).status_code == 200
    payment.refresh_from_db()
    assert (payment.status, payment.stripe_payment_intent_id) == (
        PStatus.FAILED,
        payload["data"]["object"]["id"],
    )
    booking.refresh_from_db()
    assert booking.status == Status.PAYMENT_PENDING
    assert subjects(mailoutbox, booking.seeker.user.email) == ["Please complete your payment"]


def test_payment_intent_event_for_an_intent_we_dont_know_changes_nothing(post, caplog):
    customer = sdk().v1.customers.create(params={"email": "x@example.com"})
    method = sdk().v1.payment_methods.create(
        params={"type": "card", "card": {"number": GOOD, "exp_month": 1, "exp_year": 2030, "cvc": "123"}}
    )
    sdk().v1.payment_intents.create(
        params={
            "amount": 100,
            "currency": "usd",
            "customer": customer.id,
            "payment_method": method.id,
            "confirm": True,
            "metadata": {"payment_id": "999999"},
        }
    )
    with caplog.at_level(logging.INFO, logger="payments.services"):
        assert post(*signed(stripe_event("payment_intent.succeeded"))).status_code == 200
    assert "a payment intent we don't know" in caplog.text
    assert not Payment.objects.exists()
    assert WebhookEvent.objects.get().processed_at is not None


def test_payment_intent_event_for_an_intent_stripe_doesnt_have_is_acknowledged_with_the_error(post):
    payload = event("payment_intent.succeeded", {"id": "pi_nowhere", "object": "payment_intent"})
    assert post(*signed(payload)).status_code == 200
    stored = WebhookEvent.objects.get()
    assert stored.processed_at is not None
    assert stored.error


def test_webhook_with_stripe_unreachable_is_stored_unprocessed_and_processed_on_redelivery(
    post, monkeypatch, settings, after_commit
):
    payment = lost_recording(monkeypatch)
    payload = stripe_event("payment_intent.succeeded")
    body, signature = signed(payload)
    monkeypatch.setattr("stripe._http_client.HTTPClient._sleep_time_seconds", lambda self, n: 0)
    base = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"
    response = post(body, signature)
    settings.STRIPE_API_BASE = base
    assert response.status_code == 503  # Stripe delivers it again later
    stored = WebhookEvent.objects.get()
    assert stored.processed_at is None
    assert "Network error" in stored.error
    payment.refresh_from_db()
    assert payment.status == PStatus.PENDING
    with after_commit():
        assert post(body, signature).status_code == 200
    stored.refresh_from_db()
    payment.refresh_from_db()
    assert (stored.processed_at is not None, stored.error) == (True, "")
    assert payment.status == PStatus.SUCCEEDED


# --- charge events (built here: localstripe makes none) ------------------------------------------------


def paid_then_cancelled(after_commit) -> tuple[Payment, Refund]:
    """A paid booking cancelled in time: its refund is written, but its task never ran."""
    booking = BookingFactory()
    give_card(booking.seeker)
    with after_commit():
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    bookings.booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker)  # after-commit not run
    payment = Payment.objects.get(**of_booking(booking), status=PStatus.SUCCEEDED)
    return payment, Refund.objects.get(payment=payment)


def test_charge_refunded_marks_our_pending_refund_succeeded(post, after_commit):
    """The refund reached Stripe but its answer was lost; Stripe's charge.refunded tells us."""
    payment, refund = paid_then_cancelled(after_commit)
    assert refund.status == Refund.Status.PENDING
    intent = sdk().v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    charge_id = intent.latest_charge if isinstance(intent.latest_charge, str) else intent.latest_charge.id
    made = sdk().v1.refunds.create(
        params={
            "payment_intent": payment.stripe_payment_intent_id,
            "amount": 6500,
            "metadata": {"refund_id": str(refund.pk)},
        }
    )
    charge = sdk().v1.charges.retrieve(charge_id).to_dict()
    payload = event(
        "charge.refunded", dict(charge, refunded=True, amount_refunded=6500), event_id="evt_refunded"
    )
    for _ in range(2):
        assert post(*signed(payload)).status_code == 200
    refund.refresh_from_db()
    assert (refund.status, refund.stripe_refund_id) == (Refund.Status.SUCCEEDED, made.id)
    assert refund.succeeded_at is not None
    # Nothing left to send: the retry job doesn't refund again.
    assert services.refunds_retry_due(older_than=dt.timedelta(0)) == 0
    assert len(sdk().v1.refunds.list(params={"payment_intent": payment.stripe_payment_intent_id}).data) == 1


def test_charge_refunded_for_a_refund_we_dont_know_changes_nothing(post, after_commit):
    payment, refund = paid_then_cancelled(after_commit)
    sdk().v1.refunds.create(params={"payment_intent": payment.stripe_payment_intent_id, "amount": 100})
    charge_id = sdk().v1.payment_intents.retrieve(payment.stripe_payment_intent_id).latest_charge.id
    payload = event("charge.refunded", {"id": charge_id, "object": "charge"}, event_id="evt_dash")
    assert post(*signed(payload)).status_code == 200
    refund.refresh_from_db()
    assert (refund.status, refund.stripe_refund_id) == (Refund.Status.PENDING, None)


def test_charge_dispute_created_marks_the_payment_and_alerts_staff_once(
    post, after_commit, mailoutbox, settings
):
    booking = BookingFactory()
    give_card(booking.seeker)
    with after_commit():
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    mailoutbox.clear()
    payment = Payment.objects.get(**of_booking(booking))
    charge_id = sdk().v1.payment_intents.retrieve(payment.stripe_payment_intent_id).latest_charge.id
    dispute = {
        "id": "dp_test_1",
        "object": "dispute",
        "amount": 6500,
        "charge": charge_id,
        "payment_intent": payment.stripe_payment_intent_id,
        "reason": "fraudulent",
        "status": "needs_response",
    }
    with after_commit():
        for _ in range(3):
            assert (
                post(*signed(event("charge.dispute.created", dispute, event_id="evt_dp"))).status_code == 200
            )
    payment.refresh_from_db()
    assert payment.disputed_at is not None
    assert [m.to for m in mailoutbox] == [[settings.STAFF_ALERT_EMAIL]]
    assert mailoutbox[0].subject == "A card payment is disputed"
    assert f"booking {booking.pk}" in mailoutbox[0].body
    assert charge_id in mailoutbox[0].body
    assert Notification.objects.filter(key="dispute-dp_test_1").count() == 1


def test_charge_dispute_created_finds_the_payment_from_the_charge_not_the_payload(
    post, after_commit, mailoutbox
):
    booking = BookingFactory()
    give_card(booking.seeker)
    with after_commit():
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    payment = Payment.objects.get(**of_booking(booking))
    charge_id = sdk().v1.payment_intents.retrieve(payment.stripe_payment_intent_id).latest_charge.id
    dispute = {"id": "dp_test_2", "object": "dispute", "charge": charge_id}  # no payment_intent given
    with after_commit():
        assert post(*signed(event("charge.dispute.created", dispute, event_id="evt_dp2"))).status_code == 200
    payment.refresh_from_db()
    assert payment.disputed_at is not None


def test_charge_dispute_created_for_an_unknown_charge_still_alerts_staff(
    post, after_commit, mailoutbox, settings
):
    dispute = {"id": "dp_test_3", "object": "dispute", "charge": "ch_unknown"}
    with after_commit():
        assert post(*signed(event("charge.dispute.created", dispute, event_id="evt_dp3"))).status_code == 200
    assert [m.to for m in mailoutbox] == [[settings.STAFF_ALERT_EMAIL]]
    assert "an unknown payment" in mailoutbox[0].body
    assert WebhookEvent.objects.get().processed_at is not None


def test_an_event_claimed_by_a_worker_that_died_is_processed_by_the_sweep(
    monkeypatch, after_commit, mailoutbox
):
    """The claim, not a lock, keeps two workers off one event: a fresh claim makes a second delivery
    return at once without asking Stripe; a claim left behind by a dead worker is taken over by the
    periodic sweep once it is old, and the booking is confirmed then."""
    import time_machine
    from django.utils import timezone

    payment = lost_recording(monkeypatch)
    payload = stripe_event("payment_intent.succeeded")
    stored = WebhookEvent.objects.create(
        stripe_event_id=payload["id"], type=payload["type"], payload=payload, claimed_at=timezone.now()
    )
    reads = []
    real = gateway.payment_intent_get
    monkeypatch.setattr(gateway, "payment_intent_get", lambda pi: reads.append(pi) or real(pi))
    assert services.webhook_process(event_id=stored.pk).processed_at is None  # someone else holds it
    assert reads == [] and services.webhooks_process_stuck() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6), tick=False), after_commit():
        assert services.webhooks_process_stuck() == 1
        assert services.webhooks_process_stuck() == 0
    stored.refresh_from_db()
    assert stored.processed_at is not None and stored.claimed_at is None
    assert len(reads) == 1
    payment.refresh_from_db()
    assert payment.status == PStatus.SUCCEEDED
    assert booking_of_payment(payment).status == Status.CONFIRMED
