"""The hiring board in the admin: counts per stage, filters, the steps with their details, bulk actions
that name whom they could not move, and access-logged reads."""

import datetime as dt

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse
from django.utils import timezone

from privacy.models import AccessLog
from tests.workforce.hiring_helpers import application_at, staff
from workforce.models import Application, ApplicationEvent
from workforce.stages import Stage

pytestmark = pytest.mark.django_db
BOARD = "/admin/workforce/application/"


@pytest.fixture
def trainer():
    user = staff("trainer", first_name="Tess")
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


def test_the_board_counts_each_stage_and_filters(client, trainer, django_assert_max_num_queries):
    application_at(Stage.SUBMITTED)
    application_at(Stage.SUBMITTED)
    application_at(Stage.VIDEO, already_certified=True)
    client.force_login(trainer)
    with django_assert_max_num_queries(16):
        page = client.get(BOARD).content.decode()
    assert "Application received: <strong>2</strong>" in page
    assert "Recorded video interview submitted: <strong>1</strong>" in page
    filtered = client.get(BOARD, {"stage__exact": "video", "already_certified__exact": "1"}).content.decode()
    assert "1 application" in filtered
    assert "0 applications" in client.get(BOARD, {"stage_age": "gt30"}).content.decode()
    assert "3 applications" in client.get(BOARD, {"stage_age": "lt7"}).content.decode()


def test_bulk_next_step_moves_what_it_can_and_names_what_it_cannot(client, trainer, mailoutbox):
    ready = application_at(Stage.CONSENT)
    waiting = application_at(Stage.PEER_SESSION)
    waiting.user.first_name = "Wren"
    waiting.user.save()
    client.force_login(trainer)
    response = client.post(
        BOARD, {"action": "move_to_next_step", "_selected_action": [ready.pk, waiting.pk]}, follow=True
    )
    page = response.content.decode()
    assert Application.objects.get(pk=ready.pk).stage == Stage.CLEARED
    assert Application.objects.get(pk=waiting.pk).stage == Stage.PEER_SESSION
    assert (
        f"Wren &lt;{waiting.user.email}&gt;: Not moved:" in page
        and "the applicant sends their video interview" in page
    )


def test_bulk_reject_sends_each_a_kind_email_once(
    client, trainer, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = application_at(Stage.SUBMITTED), application_at(Stage.VIDEO)
    mailoutbox.clear()
    client.force_login(trainer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(BOARD, {"action": "reject_selected", "_selected_action": [first.pk, second.pk]})
        client.post(BOARD, {"action": "reject_selected", "_selected_action": [first.pk]})  # again
    assert set(Application.objects.values_list("stage", flat=True)) == {Stage.REJECTED}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([first.user.email, second.user.email])


def test_schedule_interview_and_make_an_offer_from_the_application_page(client, trainer):
    application = application_at(Stage.VIDEO)
    client.force_login(trainer)
    change = client.get(reverse("admin:workforce_application_change", args=[application.pk])).content.decode()
    step = reverse("admin:workforce_application_interview", args=[application.pk])
    assert step in change
    when = (timezone.localtime(timezone.now() + dt.timedelta(days=3))).strftime("%Y-%m-%dT%H:00")
    response = client.post(step, {"at": "2000-01-01T10:00", "note": ""})
    assert "in the future" in response.content.decode()
    client.post(step, {"at": when, "note": "Join on the video link we email you"})
    application.refresh_from_db()
    assert application.stage == Stage.INTERVIEW and application.interview_note.startswith("Join")
    client.post(reverse("admin:workforce_application_offer", args=[application.pk]), {"rate": "27.50"})
    application.refresh_from_db()
    assert (
        application.stage == Stage.OFFER
        and application.offer_rate_cents == 2750
        and "$27.50" in application.offer_text
    )


def test_opening_an_application_and_its_resume_are_access_logged(client, trainer):
    application = application_at(Stage.SUBMITTED)
    client.force_login(trainer)
    page = client.get(reverse("admin:workforce_application_change", args=[application.pk])).content.decode()
    assert "Private story of recovery" in page
    assert reverse("workforce:resume", args=[application.pk]) in page
    client.get(reverse("workforce:resume", args=[application.pk]))
    records = sorted(AccessLog.objects.filter(actor=trainer).values_list("record", flat=True))
    assert records == [f"Application {application.pk}", f"Resume of application {application.pk}"]


def test_the_stage_cannot_be_edited_as_a_field(client, trainer):
    application = application_at(Stage.SUBMITTED)
    client.force_login(trainer)
    client.post(reverse("admin:workforce_application_change", args=[application.pk]), {"stage": "training"})
    assert Application.objects.get(pk=application.pk).stage == Stage.SUBMITTED
    assert not ApplicationEvent.objects.filter(application=application, to_stage="training").exists()


@pytest.mark.parametrize("role", ["supervisor", None])
def test_other_staff_cannot_take_steps(client, role):
    user = staff(role) if role else staff("trainer")
    if role is None:
        user.groups.clear()
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    application = application_at(Stage.CONSENT)
    client.force_login(user)
    response = client.post(reverse("admin:workforce_application_clear", args=[application.pk]))
    assert response.status_code == 403
    assert Application.objects.get(pk=application.pk).stage == Stage.CONSENT
