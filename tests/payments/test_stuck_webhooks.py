"""Webhook events stored but never processed (the database dropped out between storing an event and
processing it, or the worker died before claiming it) are picked up by the periodic money retry."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from bookings.models import Booking
from payments import services
from payments.models import WebhookEvent
from tests.payments.helpers import booking_of_payment
from tests.payments.test_webhooks import lost_recording, stripe_event

pytestmark = pytest.mark.django_db


def test_an_event_never_claimed_is_processed_by_the_scheduled_sweep(monkeypatch, after_commit):
    payment = lost_recording(monkeypatch)
    payload = stripe_event("payment_intent.succeeded")
    stored = WebhookEvent.objects.create(stripe_event_id=payload["id"], type=payload["type"], payload=payload)
    assert stored.claimed_at is None and stored.processed_at is None
    assert services.webhooks_process_stuck() == 0  # just arrived: its own delivery may still process it
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6), tick=False), after_commit():
        assert services.webhooks_process_stuck() == 1
    stored.refresh_from_db()
    assert stored.processed_at is not None
    payment.refresh_from_db()
    assert payment.stripe_payment_intent_id
    assert booking_of_payment(payment).status == Booking.Status.CONFIRMED
    # ...and the sweep runs on beat's schedule, on the payments queue's workers.
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "payments.tasks.retry_money" in schedule
