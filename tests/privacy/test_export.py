"""A person's copy of their data: what it holds (theirs, nobody else's), how it is asked for, built,
emailed about and downloaded, and what an expired or someone else's link answers."""

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from bookings.models import SessionFeedback
from notifications.models import Notification
from privacy import services
from privacy.models import DataExport
from seekers.models import Intake
from tests.factories import BookingFactory, CreditFactory, SeekerFactory, SupporterFactory

pytestmark = pytest.mark.django_db

# Every section of the export (messages, waitlists, matching, crisis flags, onboarding, training, pay,
# safety, safety plans and the application to become a supporter included), whatever the number of
# sessions.
EXPORT_QUERIES = 26


def intake_for(seeker, hopes: str) -> Intake:
    now = timezone.now()
    return Intake.objects.create(
        seeker=seeker,
        preferred_name=f"{seeker.user.first_name} preferred",
        pronouns="they/them",
        hopes=hopes,
        emergency_contact_name=f"Contact of {seeker.user.email}",
        emergency_contact_phone="555-0100",
        acknowledged_at=now,
        completed_at=now,
    )


@pytest.fixture
def two_seekers():
    """Two seekers with sessions with the same supporter, each with an intake; the first has a gift."""
    supporter = SupporterFactory(display_name="Robin Supporter")
    first = SeekerFactory(user__email="first@example.com", user__first_name="Firstname")
    second = SeekerFactory(user__email="second@example.com", user__first_name="Secondname")
    mine = [
        BookingFactory(seeker=first, slot__supporter=supporter, hours_ahead=72, paid=True),
        BookingFactory(
            seeker=first,
            slot__supporter=supporter,
            hours_ahead=-48,
            status="completed",
            amount_paid_cents=6500,
        ),
    ]
    SessionFeedback.objects.create(booking=mine[1], loved=True, comment="first's own words")
    theirs = BookingFactory(seeker=second, slot__supporter=supporter, hours_ahead=96, paid=True)
    intake_for(first, "first hopes to sleep better")
    intake_for(second, "second hopes something private")
    CreditFactory(seeker=first, gift__message="Happy birthday, first")
    return first, second, mine, theirs


def test_export_holds_the_persons_data_and_nobody_elses(two_seekers):
    first, second, mine, theirs = two_seekers
    payload = services.export_payload(user=first.user, now=timezone.now())
    text = json.dumps(payload, default=str)
    sections = payload["sections"]
    assert sections["account"]["email"] == "first@example.com"
    assert sections["seeker"]["intake"]["hopes"] == "first hopes to sleep better"
    assert sorted(b["id"] for b in sections["bookings"]) == sorted(b.pk for b in mine)
    upcoming = next(b for b in sections["bookings"] if b["id"] == mine[0].pk)
    assert upcoming["start"].endswith("Z") and upcoming["time_zone"] == "America/Los_Angeles"
    assert upcoming["start_local"].endswith(("-08:00", "-07:00"))
    assert upcoming["money"]["charged_cents"] == 6500
    assert upcoming["money"]["refunded_cents"] == 0 and upcoming["money"]["kept_cents"] == 6500
    assert upcoming["supporter"] == "Robin Supporter"
    past = next(b for b in sections["bookings"] if b["id"] == mine[1].pk)
    assert past["feedback"]["comment"] == "first's own words"
    assert sections["gifts_received"][0]["message"] == "Happy birthday, first"
    assert sections["payments"]["payments"][0]["amount_cents"] == 6500
    # Nothing of the other seeker who booked the same supporter.
    for secret in ("second@example.com", "Secondname", "second hopes", f'"id": {theirs.pk},'):
        assert secret not in text
    # Only sections that exist: no empty placeholders for features still to come.
    assert "supporter_profile" not in sections and "supporter_sessions" not in sections


def test_asking_from_my_account_builds_it_and_emails_only_that_it_is_ready(client, two_seekers, after_commit):
    first, *_ = two_seekers
    client.force_login(first.user)
    page = client.get(reverse("accounts:home")).content.decode()
    assert reverse("privacy:home") in page
    with after_commit():
        response = client.post(reverse("privacy:export_request"))
    assert response.status_code == 302
    export = DataExport.objects.get(user=first.user)
    assert export.status == DataExport.Status.READY
    assert export.expires_at == export.ready_at + dt.timedelta(days=7)
    email = Notification.objects.get(key=f"privacy-export-{export.pk}-ready")
    assert email.to == "first@example.com"
    assert email.subject == "Your data export is ready"
    assert reverse("privacy:home") in email.body_text
    for secret in ("first hopes", "555-0100", "Robin", "birthday", str(export.public_id)):
        assert secret not in email.body_text and secret not in email.body_html
    assert "988" in email.body_text
    page = client.get(reverse("privacy:home")).content.decode()
    assert "Your copy is ready" in page and "Not downloaded yet" in page

    download = client.get(reverse("privacy:export_download", args=[export.public_id]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/json")
    assert download["Content-Disposition"].startswith("attachment;")
    assert "no-store" in download["Cache-Control"]
    data = json.loads(download.content)
    assert data["sections"]["account"]["email"] == "first@example.com"
    export.refresh_from_db()
    assert export.download_count == 1 and export.last_downloaded_at is not None
    assert "Downloaded one time" in client.get(reverse("privacy:home")).content.decode()


def test_export_is_stored_encrypted_never_as_plain_text(two_seekers):
    from django.db import connection

    first, *_ = two_seekers
    export = services.export_request(user=first.user)
    services.export_build(export_id=export.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM privacy_dataexport WHERE id = %s", [export.pk])
        raw = cursor.fetchone()[0]
    assert "first hopes" not in raw and "first@example.com" not in raw


def test_a_second_request_while_one_is_pending_starts_no_other(
    two_seekers, django_capture_on_commit_callbacks
):
    first, *_ = two_seekers
    with django_capture_on_commit_callbacks() as queued:  # not run: the export stays pending
        one = services.export_request(user=first.user)
    again = services.export_request(user=first.user)
    assert again.pk == one.pk
    assert DataExport.objects.filter(user=first.user).count() == 1
    assert len(queued) == 1


def test_a_pending_export_whose_task_was_lost_is_queued_again(two_seekers, after_commit):
    first, *_ = two_seekers
    stale = DataExport.objects.create(user=first.user, requested_at=timezone.now() - dt.timedelta(hours=1))
    with after_commit():
        again = services.export_request(user=first.user)
    assert again.pk == stale.pk
    stale.refresh_from_db()
    assert stale.status == DataExport.Status.READY


def test_an_expired_link_says_so_clearly_and_serves_nothing(client, two_seekers, after_commit):
    first, *_ = two_seekers
    client.force_login(first.user)
    with after_commit():
        client.post(reverse("privacy:export_request"))
    export = DataExport.objects.get(user=first.user)
    with time_machine.travel(export.expires_at + dt.timedelta(minutes=1)):
        response = client.get(reverse("privacy:export_download", args=[export.public_id]))
        assert response.status_code == 410
        text = response.content.decode()
        assert "This download link has expired" in text and "988" in text
        assert "first hopes" not in text
        assert "expired" in client.get(reverse("privacy:home")).content.decode()
        assert services.exports_purge_expired() == 1
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED and export.content == ""
    assert export.download_count == 0


def test_another_persons_export_is_not_found(client, two_seekers, after_commit):
    first, second, *_ = two_seekers
    with after_commit():
        export = services.export_request(user=first.user)
    client.force_login(second.user)
    assert client.get(reverse("privacy:export_download", args=[export.public_id])).status_code == 404
    client.logout()
    response = client.get(reverse("privacy:export_download", args=[export.public_id]))
    assert response.status_code == 302 and "login" in response.url
    export.refresh_from_db()
    assert export.download_count == 0


def test_a_supporter_exports_their_profile_and_sessions_without_seekers_data():
    booking = BookingFactory(seeker__user__email="seeker@example.com", paid=True)
    supporter = booking.supporter
    payload = services.export_payload(user=supporter.user, now=timezone.now())
    sections = payload["sections"]
    assert sections["supporter_profile"]["display_name"] == supporter.display_name
    assert [s["id"] for s in sections["supporter_sessions"]] == [booking.pk]
    assert "seeker@example.com" not in json.dumps(payload, default=str)


@pytest.mark.parametrize("sessions", [1, 6])
def test_the_export_takes_the_same_queries_however_many_sessions(sessions, django_assert_num_queries):
    seeker = SeekerFactory()
    for hours in range(sessions):
        BookingFactory(seeker=seeker, hours_ahead=-24 * (hours + 1), status="completed", paid=True)
    with django_assert_num_queries(EXPORT_QUERIES):
        services.export_payload(user=seeker.user, now=timezone.now())
