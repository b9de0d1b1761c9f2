"""The expiry sweep run twice at once unlists once: one event, one email to staff (real threads on
PostgreSQL)."""

import datetime as dt

import pytest
import time_machine

from notifications.models import Notification
from supporters.models import SupporterProfile
from tests.concurrency import postgresql_only, race
from tests.factories import SupporterFactory
from tests.workforce.onboarding_helpers import LA
from workforce.models import Credential, ListingEvent
from workforce.services.credentials import credential_record, credentials_unlist_expired

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_two_sweeps_at_once_unlist_once(settings):
    settings.OPERATIONS_EMAIL = "ops@peersnet.example"
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=LA), tick=False):
        supporters = [SupporterFactory() for _ in range(3)]
        for supporter in supporters:
            credential_record(
                supporter=supporter,
                kind=Credential.Kind.CERTIFICATION,
                issued_on=dt.date(2025, 1, 1),
                expires_on=dt.date(2026, 12, 3),
                by=None,
            )
    with time_machine.travel(dt.datetime(2026, 12, 3, 0, 30, tzinfo=LA), tick=False):
        results = race([credentials_unlist_expired, credentials_unlist_expired])
    assert not any(isinstance(result, Exception) for result in results), results
    assert sum(results) == 3
    assert ListingEvent.objects.count() == 3
    assert Notification.objects.filter(to="ops@peersnet.example").count() == 3
    assert not SupporterProfile.objects.listed().filter(pk__in=[s.pk for s in supporters]).exists()
