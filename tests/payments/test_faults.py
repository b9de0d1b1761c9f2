"""Fault tests of the money path (issue #11, items 1 and 8): a dependency fails at the worst moment and no
charge is lost or taken twice. Real PostgreSQL (transactional tests: work queued after commit runs for
real), a redis-server of the test's own that is really stopped, localstripe through the official SDK.
Charges are counted at localstripe, never in our own tables."""

import datetime as dt
import logging
import time
from contextlib import contextmanager

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.test import Client
from django.utils import timezone

from bookings import services as bookings
from bookings.models import Booking
from payments import gateway, services
from payments.models import Payable, Payment, Refund
from peersnet.celery import app as celery_app
from tests.concurrency import postgresql_only, race
from tests.factories import BookingFactory, StaffFactory
from tests.payments.helpers import give_card, of_booking, sdk, signed

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True), postgresql_only]

Status = Booking.Status
PStatus = Payment.Status
CONFIRMED = "Your session is confirmed"


class WorkerDied(BaseException):
    """What a worker killed mid-task looks like from inside: nothing after this line runs, no handler."""


@contextmanager
def broker_down(redis_server):
    """The Celery broker is a redis-server of this test's own, really stopped; tasks are queued for real
    (not run inline), so queuing fails as it does in production. On leaving, the broker is back: the
    suite's own, with tasks run inline as a worker would run them."""
    redis_server.stop()
    broker_url = celery_app.conf.broker_url
    celery_app.conf.update(task_always_eager=False, broker_url=redis_server.url)
    celery_app._pool = celery_app.amqp._producer_pool = None  # no connection left from earlier tests
    try:
        yield
    finally:
        celery_app.conf.update(task_always_eager=True, broker_url=broker_url)
        celery_app._pool = celery_app.amqp._producer_pool = None


def charges_of(booking: Booking) -> list:
    """The PaymentIntents localstripe holds for the booking's seeker (its list takes no customer filter)."""
    customer = booking.seeker.stripe_customer.stripe_customer_id
    intents = sdk().v1.payment_intents.list(params={"limit": 100}).data
    return [i for i in intents if i.customer == customer]


def to(mailoutbox, address: str) -> list[str]:
    return [m.subject for m in mailoutbox if m.to == [address]]


def accepted_with_the_broker_down(redis_server, count: int = 1) -> list[Booking]:
    made = []
    for _ in range(count):
        booking = BookingFactory()
        give_card(booking.seeker)
        made.append(booking)
    with broker_down(redis_server):
        for booking in made:
            bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    for booking in made:
        booking.refresh_from_db()
    return made


def test_accept_with_the_broker_down_keeps_the_charge_wanted_and_the_sweep_charges_once(
    redis_server, mailoutbox, caplog
):
    with caplog.at_level(logging.WARNING, logger="peersnet.kernel.enqueue"):
        (booking,) = accepted_with_the_broker_down(redis_server)
    assert "could not queue payments.tasks.charge_off_session" in caplog.text
    wanted = Payment.objects.get(**of_booking(booking))
    assert booking.status == Status.PAYMENT_PENDING
    assert (wanted.status, wanted.off_session, wanted.sends, wanted.lease_until) == (
        PStatus.PENDING,
        True,
        0,
        None,
    )
    assert charges_of(booking) == []  # nothing sent to Stripe yet
    assert services.payments_retry_pending() == 0  # too fresh: its own task may still come

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3), tick=True):
        from payments.tasks import retry_money

        retry_money.delay()  # the broker is back: beat's next run of the money sweep
        retry_money.delay()  # and one more: nothing more happens

    booking.refresh_from_db()
    wanted.refresh_from_db()
    (charge,) = charges_of(booking)
    assert (charge.id, charge.status, charge.amount) == (wanted.stripe_payment_intent_id, "succeeded", 6500)
    assert (wanted.status, wanted.sends, wanted.lease_until, wanted.leased_by) == (
        PStatus.SUCCEEDED,
        1,
        None,
        "",
    )
    assert (booking.status, booking.amount_paid_cents) == (Status.CONFIRMED, 6500)
    assert to(mailoutbox, booking.seeker.user.email).count(CONFIRMED) == 1


def test_two_sweeps_at_once_send_one_charge_per_booking(redis_server, monkeypatch):
    """Stripe answers slowly here (a wrapper waits 0.3 s before the real call) so the two sweeps surely
    overlap on every charge, as they do when Stripe is slow."""
    made = accepted_with_the_broker_down(redis_server, count=3)
    real = gateway.payment_intent_create
    monkeypatch.setattr(gateway, "payment_intent_create", lambda **kw: time.sleep(0.3) or real(**kw))
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3), tick=True):
        results = race([services.payments_retry_pending, services.payments_retry_pending])
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(results) == 3  # each booking's charge sent by one sweep or the other
    for booking in made:
        booking.refresh_from_db()
        payment = Payment.objects.get(**of_booking(booking))
        assert [c.id for c in charges_of(booking)] == [payment.stripe_payment_intent_id]
        assert (payment.status, payment.sends) == (PStatus.SUCCEEDED, 1)
        assert booking.status == Status.CONFIRMED


def test_a_sweep_leaves_a_charge_to_the_live_sender_holding_its_lease(redis_server, monkeypatch):
    """The task is sending (its lease is live, Stripe not answered yet) when the sweep runs: the sweep
    must not send the same charge. The sender is held mid-call by a patched gateway that runs the sweep
    from inside the Stripe call, then lets the real call go on."""
    (booking,) = accepted_with_the_broker_down(redis_server)
    real = gateway.payment_intent_create
    swept = []

    def sweep_while_sending(**kwargs):
        swept.append(services.payments_retry_pending(older_than=dt.timedelta(0)))
        return real(**kwargs)

    monkeypatch.setattr(gateway, "payment_intent_create", sweep_while_sending)
    services.payment_charge_off_session(payable_id=booking.payable_id)
    assert swept == [0]
    assert len(charges_of(booking)) == 1
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED


def test_worker_dying_after_stripe_charged_is_refunded_as_paid_twice_and_shown_to_staff(
    redis_server, monkeypatch, mailoutbox, caplog
):
    """The worker dies after Stripe made the PaymentIntent and before we recorded it (simulated: our
    record step raises, as a SIGKILL at that instant would leave things; no local server can kill a worker
    at that exact line). The lease keeps the sweep off it while the worker might still be alive; after it
    runs out the sweep sends again with the same idempotency key. Real Stripe would answer with the first
    intent; localstripe ignores the key and charges again, which is what this test sees. Stripe's webhook
    for the first intent then names an attempt that holds the second: it is refused for that attempt,
    refunded as paid twice, flagged for staff in the admin and emailed to them."""
    (booking,) = accepted_with_the_broker_down(redis_server)
    keys = []
    real_create = gateway.payment_intent_create
    monkeypatch.setattr(
        gateway, "payment_intent_create", lambda **kw: keys.append(kw["idempotency_key"]) or real_create(**kw)
    )
    start = timezone.now()

    def die(**kwargs):
        raise WorkerDied

    with time_machine.travel(start, tick=True), monkeypatch.context() as patch:
        patch.setattr("payments.services.charges.payment_record", die)
        with pytest.raises(WorkerDied):
            services.payment_charge_off_session(payable_id=booking.payable_id)
    (first,) = charges_of(booking)
    payment = Payment.objects.get(**of_booking(booking))
    assert (first.status, payment.status, payment.stripe_payment_intent_id) == (
        "succeeded",
        PStatus.PENDING,
        None,
    )
    assert payment.lease_until > start

    with time_machine.travel(start + dt.timedelta(minutes=1), tick=True):
        assert services.payments_retry_pending(older_than=dt.timedelta(0)) == 0  # the lease is live
    assert len(charges_of(booking)) == 1

    with time_machine.travel(start + services.CHARGE_LEASE + dt.timedelta(minutes=1), tick=True):
        assert services.payments_retry_pending() == 1
        payment.refresh_from_db()
        second = [c for c in charges_of(booking) if c.id != first.id]
        assert keys == [payment.idempotency_key, payment.idempotency_key]  # the same key both times
        assert [c.id for c in second] == [payment.stripe_payment_intent_id]  # localstripe charged again
        booking.refresh_from_db()
        assert (booking.status, payment.status) == (Status.CONFIRMED, PStatus.SUCCEEDED)

        # Stripe tells us of the first intent; it names our attempt, which holds the second.
        event = next(
            e.to_dict()
            for e in sdk().v1.events.list(params={"type": "payment_intent.succeeded"}).data
            if e.data.object.id == first.id
        )
        body, signature = signed(event)
        with caplog.at_level(logging.ERROR, logger="payments.services"):
            services.webhook_receive(payload=body, signature=signature)

    payment.refresh_from_db()
    assert (payment.status, payment.stripe_payment_intent_id) == (PStatus.SUCCEEDED, second[0].id)
    stray = Payment.objects.get(stripe_payment_intent_id=first.id)
    assert (stray.payable_id, stray.status, stray.refunded_cents) == (
        payment.payable_id,
        PStatus.DUPLICATE,
        6500,
    )
    refund = Refund.objects.get(payment=stray)
    assert (refund.reason, refund.status) == (Refund.Reason.DUPLICATE, Refund.Status.SUCCEEDED)
    assert [(r.id, r.amount) for r in sdk().v1.refunds.list(params={"payment_intent": first.id}).data] == [
        (refund.stripe_refund_id, 6500)
    ]
    assert "refused for it" in caplog.text
    deliver(first.id)  # Stripe tells us again: the stray attempt now holds it; nothing more happens
    assert Refund.objects.filter(payment=stray).count() == 1
    assert Payment.objects.filter(payable_id=payment.payable_id).count() == 2
    assert Payable.objects.get(pk=payment.payable_id).paid_twice_at is not None
    assert to(mailoutbox, settings.STAFF_ALERT_EMAIL) == ["A payment was taken twice"]
    assert to(mailoutbox, booking.seeker.user.email).count(CONFIRMED) == 1
    booking.refresh_from_db()
    assert (booking.status, booking.amount_paid_cents) == (Status.CONFIRMED, 6500)

    staff, member = Client(), StaffFactory(is_superuser=True)
    TOTP.activate(member, "JBSWY3DPEHPK3PXP")  # staff sign in with two factors
    staff.force_login(member)
    listed = staff.get("/admin/payments/payable/?paid_twice_at__isempty=0")
    assert listed.status_code == 200
    assert f"booking-{booking.pk}" in listed.content.decode()
    assert (
        f"booking-{booking.pk}"
        not in staff.get("/admin/payments/payable/?paid_twice_at__isempty=1").content.decode()
    )


def paid_booking() -> tuple[Booking, Payment]:
    booking = BookingFactory()
    give_card(booking.seeker)
    bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)  # charged after commit
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED
    return booking, Payment.objects.get(**of_booking(booking))


def deliver(intent_id: str) -> None:
    intent = sdk().v1.payment_intents.retrieve(intent_id).to_dict()
    payload = {"id": f"evt_{intent_id}", "object": "event", "type": "payment_intent.succeeded"}
    body, signature = signed({**payload, "data": {"object": intent}, "livemode": False})
    services.webhook_receive(payload=body, signature=signature)


def ledger() -> list[tuple]:
    return list(
        Payment.objects.order_by("pk").values_list(
            "pk", "status", "stripe_payment_intent_id", "refunded_cents"
        )
    )


def test_webhook_whose_metadata_names_another_attempt_than_the_stored_id_is_refused(caplog):
    first, first_payment = paid_booking()
    _second, second_payment = paid_booking()
    sdk().v1.payment_intents.update(
        first_payment.stripe_payment_intent_id, params={"metadata": {"payment_id": str(second_payment.pk)}}
    )
    before = ledger()
    with caplog.at_level(logging.ERROR, logger="payments.services"):
        deliver(first_payment.stripe_payment_intent_id)
    assert "but its metadata names payment" in caplog.text
    assert ledger() == before
    assert not Refund.objects.exists()
    assert Payable.objects.filter(paid_twice_at__isnull=False).count() == 0
    first.refresh_from_db()
    assert first.status == Status.CONFIRMED


def test_webhook_for_an_intent_naming_an_attempt_that_holds_another_is_refused_unless_it_took_our_money(
    caplog,
):
    """An intent in our account that names our paid attempt but doesn't match it (another amount, made
    by hand in the dashboard, say) is refused and logged; nothing is recorded or refunded."""
    booking, payment = paid_booking()
    customer = booking.seeker.stripe_customer
    odd = sdk().v1.payment_intents.create(
        params={
            "amount": 100,
            "currency": "usd",
            "customer": customer.stripe_customer_id,
            "payment_method": customer.payment_method_id,
            "confirm": True,
            "off_session": True,
            "metadata": {"payable": f"booking-{booking.pk}", "payment_id": str(payment.pk)},
        }
    )
    assert odd.status == "succeeded"
    before = ledger()
    with caplog.at_level(logging.ERROR, logger="payments.services"):
        deliver(odd.id)
    assert f"names payment {payment.pk}" in caplog.text and "refused" in caplog.text
    assert ledger() == before
    assert not Refund.objects.exists()


def test_webhook_matches_an_unstored_attempt_by_metadata_and_says_so(monkeypatch, caplog):
    """The one case metadata is used: the attempt's sender died before storing the intent's id."""
    booking = BookingFactory()
    give_card(booking.seeker)

    def die(**kwargs):
        raise WorkerDied

    monkeypatch.setattr("payments.services.charges.payment_record", die)
    with pytest.raises(WorkerDied):
        bookings.booking_accept(booking_id=booking.pk, supporter=booking.supporter)
    monkeypatch.undo()
    (intent,) = charges_of(booking)
    with caplog.at_level(logging.WARNING, logger="payments.services"):
        deliver(intent.id)
    assert "matched payment" in caplog.text and "by metadata" in caplog.text
    payment = Payment.objects.get(**of_booking(booking))
    assert (payment.status, payment.stripe_payment_intent_id) == (PStatus.SUCCEEDED, intent.id)


def test_refund_webhook_whose_metadata_names_another_refund_than_the_stored_id_is_refused(caplog):
    first, first_payment = paid_booking()
    second, second_payment = paid_booking()
    for booking in (first, second):
        bookings.booking_cancel_by_supporter(booking_id=booking.pk, supporter=booking.supporter)
    first_refund, second_refund = (Refund.objects.get(payment=p) for p in (first_payment, second_payment))
    assert first_refund.status == second_refund.status == Refund.Status.SUCCEEDED
    on_stripe = sdk().v1.refunds.retrieve(first_refund.stripe_refund_id)
    sdk().v1.refunds.update(on_stripe.id, params={"metadata": {"refund_id": str(second_refund.pk)}})
    charge = sdk().v1.payment_intents.retrieve(first_payment.stripe_payment_intent_id).latest_charge
    charge_id = charge if isinstance(charge, str) else charge.id
    body, signature = signed(
        {
            "id": "evt_refund_mismatch",
            "object": "event",
            "type": "charge.refunded",
            "data": {"object": {"id": charge_id, "object": "charge"}},
            "livemode": False,
        }
    )
    with caplog.at_level(logging.ERROR, logger="payments.services"):
        services.webhook_receive(payload=body, signature=signature)
    assert "but its metadata names refund" in caplog.text
    second_refund.refresh_from_db()
    assert second_refund.stripe_refund_id != on_stripe.id
