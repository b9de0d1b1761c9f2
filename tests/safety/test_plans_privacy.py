"""Safety plans in a person's data: the seeker's export holds every version; deleting the seeker's
account deletes them (and nobody else's); the admin is read-only and every read of a version there is
in the access log."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from bookings.models import Booking
from privacy import services as privacy_services
from privacy.models import AccessLog
from safety import services
from safety.models import SafetyPlan, SafetyPlanVersion
from tests.factories import BookingFactory, SeekerFactory

from .plan_helpers import sections, staff_in

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.UTC)


@pytest.fixture
def written():
    """A seeker's plan in two versions (their supporter's, then theirs) and another seeker's plan."""
    with time_machine.travel(NOW, tick=False):
        booking = BookingFactory(status=Booking.Status.COMPLETED, hours_ahead=-48)
        seeker, supporter = booking.seeker, booking.supporter
        services.plan_save(
            seeker=seeker,
            author=supporter.user,
            author_role="supporter",
            sections=sections(coping="Walk"),
            base_version=0,
            now=timezone.now(),
        )
        services.plan_save(
            seeker=seeker,
            author=seeker.user,
            author_role="seeker",
            sections=sections(coping="Walk\nMusic", reasons="My brother"),
            base_version=1,
            now=timezone.now(),
        )
        other = SeekerFactory()
        services.plan_save(
            seeker=other,
            author=other.user,
            author_role="seeker",
            sections=sections(reasons="Someone-else's-reason"),
            base_version=0,
            now=timezone.now(),
        )
        yield booking, other


def test_the_seekers_export_holds_every_version_and_nobody_elses(written):
    booking, _other = written
    payload = privacy_services.export_payload(user=booking.seeker.user, now=NOW)
    plans = payload["sections"]["safety_plans"]
    assert [v["version"] for v in plans["versions"]] == [1, 2]
    assert plans["versions"][0]["saved_by"] == booking.supporter.display_name
    assert plans["versions"][1]["saved_by"] == "you"
    assert plans["versions"][1]["sections"]["Things I can do on my own"] == "Walk\nMusic"
    assert plans["versions"][1]["saved_at"] == "2026-11-30T18:00:00Z"
    assert "988" in plans["always_on_the_plan"][0]
    assert "Someone-else's-reason" not in str(payload)
    # The supporter's own export has no part of the seeker's plan.
    supporter_payload = privacy_services.export_payload(user=booking.supporter.user, now=NOW)
    assert "safety_plans" not in supporter_payload["sections"]


def test_deleting_the_seekers_account_deletes_their_plan_only(written, after_commit):
    booking, other = written
    with after_commit():
        privacy_services.account_erase(user_id=booking.seeker.user.pk, by=None, now=NOW)
    assert not SafetyPlan.objects.filter(seeker=booking.seeker).exists()
    assert not SafetyPlanVersion.objects.filter(plan__seeker=booking.seeker).exists()
    assert SafetyPlanVersion.objects.filter(plan__seeker=other).count() == 1


def test_the_admin_is_read_only_and_each_read_of_a_version_is_logged(client, written):
    booking, _other = written
    supervisor = staff_in("supervisor")
    client.force_login(supervisor)
    version = SafetyPlanVersion.objects.get(plan__seeker=booking.seeker, number=2)
    listing = client.get("/admin/safety/safetyplanversion/")
    assert listing.status_code == 200 and "My brother" not in listing.content.decode()
    assert not AccessLog.objects.exists()
    page = client.get(f"/admin/safety/safetyplanversion/{version.pk}/change/")
    assert page.status_code == 200 and "My brother" in page.content.decode()
    row = AccessLog.objects.get()
    assert (row.actor, row.kind, row.record) == (
        supervisor,
        AccessLog.Kind.READ,
        f"Safety plan {version.plan_id} version 2",
    )
    # Nothing can be changed, added or deleted there, by a supervisor or a superuser.
    root = staff_in(None)
    root.is_superuser = True
    root.save()
    for user in (supervisor, root):
        client.force_login(user)
        response = client.post(
            f"/admin/safety/safetyplanversion/{version.pk}/change/", {"author_name": "Changed"}
        )
        assert response.status_code == 403
        assert client.get("/admin/safety/safetyplanversion/add/").status_code == 403
        assert (
            client.post(f"/admin/safety/safetyplanversion/{version.pk}/delete/", {"post": "yes"}).status_code
            == 403
        )
    version.refresh_from_db()
    assert version.author_name == booking.seeker.user.get_short_name()
    assert SafetyPlanVersion.objects.filter(pk=version.pk).exists()
