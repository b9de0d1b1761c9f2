"""An applicant's data joins their export; deleting the account removes the resume and video files and
the statements, and withdraws an open application without an email."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications.models import Notification
from privacy import services as privacy_services
from tests.factories import UserFactory
from tests.workforce.hiring_helpers import application_at, mp4_bytes, upload
from workforce import services
from workforce.models import Application, ApplicationEvent
from workforce.stages import Stage

pytestmark = pytest.mark.django_db
SECTION = "application_to_become_a_supporter"


def test_the_export_holds_the_application_and_nothing_for_others():
    application = application_at(Stage.CONSENT)
    sections = privacy_services.export_payload(user=application.user, now=timezone.now())["sections"]
    mine = sections[SECTION]
    assert mine["lived_experience"] == "Private story of recovery"
    assert mine["phone"] == "+1 555 010 2030" and mine["resume"]["kind"] == "pdf"
    assert mine["background_check_consent"]["ip_address"] == "203.0.113.9"
    assert mine["offer"]["hourly_rate_cents"] == 2500
    assert [step["to"] for step in mine["steps"]][-1] == Stage.CONSENT
    other = privacy_services.export_payload(user=UserFactory(), now=timezone.now())["sections"]
    assert SECTION not in other


def test_deletion_removes_the_files_and_statements_and_sends_nothing(
    _private_storage, django_capture_on_commit_callbacks
):
    application = application_at(Stage.PEER_SESSION)
    services.video_submit(
        application_id=application.pk,
        user=application.user,
        upload=upload("me.mp4", mp4_bytes(), "video/mp4"),
    )
    application.refresh_from_db()
    stored = [_private_storage / application.resume_file, _private_storage / application.video_file]
    assert all(path.exists() for path in stored)
    emails_before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        privacy_services.account_erase(
            user_id=application.user_id, by=None, now=timezone.now() + dt.timedelta(seconds=1)
        )
    application = Application.objects.get(pk=application.pk)
    assert not any(path.exists() for path in stored)
    assert application.resume_file == "" and application.video_file == ""
    assert application.lived_experience == "" and application.availability == "" and application.phone == ""
    assert application.stage == Stage.WITHDRAWN
    assert Notification.objects.count() == emails_before
    assert not ApplicationEvent.objects.filter(application=application).exclude(note="").exists()
