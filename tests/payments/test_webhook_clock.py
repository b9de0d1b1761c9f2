"""Webhook timestamps are checked both ways (issue 9, black-box defect 4).

Stripe's SDK refuses a signature older than the tolerance but accepts one from any time in the future,
so a signed body captured once with a forged-ahead clock (or a leaked secret used to sign for later)
would be accepted for as long as that future lasts. Every event here is correctly signed with the test
secret; only its timestamp differs. The clock is frozen so the boundaries are exact.
"""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from payments import gateway
from payments.models import WebhookEvent
from tests.payments.helpers import event, signed

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 20, 0, tzinfo=dt.UTC)
TOLERANCE = gateway.WEBHOOK_TOLERANCE_SECONDS


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def post(client, offset_seconds: int):
    """A correctly signed, ignorable event whose signature claims ``now + offset_seconds``."""
    payload = event("customer.created", {"id": "cus_test_1", "object": "customer"}, event_id="evt_clock_1")
    body, signature = signed(payload, timestamp=int(NOW.timestamp()) + offset_seconds)
    headers = {"HTTP_STRIPE_SIGNATURE": signature}
    return client.post(reverse("payments:webhook"), data=body, content_type="application/json", **headers)


def test_webhook_tolerance_is_stripes_five_minutes():
    assert TOLERANCE == 300


@pytest.mark.parametrize("offset", [TOLERANCE + 60, TOLERANCE + 1, 24 * 60 * 60, 10 * 365 * 24 * 60 * 60])
def test_webhook_signed_beyond_the_tolerance_in_the_future_is_refused_and_stores_nothing(client, offset):
    response = post(client, offset)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("offset", [TOLERANCE + 60, TOLERANCE + 1])
def test_webhook_signed_beyond_the_tolerance_in_the_past_is_refused_too(client, offset):
    assert post(client, -offset).status_code == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("offset", [0, 60, TOLERANCE, -TOLERANCE])
def test_webhook_signed_within_the_tolerance_either_way_is_accepted(client, offset):
    """A sender's clock a little ahead of ours (or behind) is normal and must not lose an event."""
    assert post(client, offset).status_code == 200
    assert WebhookEvent.objects.get().stripe_event_id == "evt_clock_1"
