"""The applicant's pages (apply, progress, their steps) and who may fetch a resume."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from privacy.models import AccessLog
from tests.factories import SeekerFactory, StaffFactory, SupporterFactory, UserFactory
from tests.workforce.hiring_helpers import (
    application_at,
    completed_booking_of,
    docx_bytes,
    mp4_bytes,
    pdf_bytes,
    staff,
    upload,
)
from workforce.models import Application, BackgroundCheckConsent
from workforce.stages import Stage

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.UTC)


def form_data(**overrides):
    data = {
        "phone": "+1 555 010 2030",
        "state": "OR",
        "commits_five_hours": "on",
        "availability": "Evenings and Saturdays",
        "lived_experience": "What helped me most was being heard.",
        "already_certified": "no",
        "resume": upload("my resume.pdf", pdf_bytes(), "application/pdf"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@time_machine.travel(NOW)
def test_apply_saves_the_application_with_encrypted_statements_and_the_resume(client, _private_storage):
    user = UserFactory(date_of_birth=dt.date(1990, 5, 1))
    client.force_login(user)
    assert client.get(reverse("workforce:apply")).status_code == 200
    response = client.post(reverse("workforce:apply"), form_data())
    assert response.status_code == 302 and response["Location"] == reverse("workforce:progress")
    application = Application.objects.get(user=user)
    assert application.stage == Stage.SUBMITTED and application.state == "OR"
    assert application.lived_experience == "What helped me most was being heard."
    assert application.resume_kind == "pdf"
    stored = (_private_storage / application.resume_file).read_bytes()
    assert b"%PDF" not in stored
    assert not application.resume_file.startswith("/") and "media" not in application.resume_file


@time_machine.travel(NOW)
def test_apply_accepts_a_docx_and_refuses_a_renamed_text_file_with_a_message(client):
    user = UserFactory(date_of_birth=dt.date(1990, 5, 1))
    client.force_login(user)
    response = client.post(
        reverse("workforce:apply"), form_data(resume=upload("cv.pdf", b"hello " * 100, "application/pdf"))
    )
    assert response.status_code == 200
    assert "isn" in response.content.decode() and "PDF or a Word" in response.content.decode()
    assert not Application.objects.exists()
    client.post(reverse("workforce:apply"), form_data(resume=upload("cv.docx", docx_bytes())))
    assert Application.objects.get(user=user).resume_kind == "docx"


@time_machine.travel(NOW)
def test_apply_needs_the_five_hours_commitment(client):
    client.force_login(UserFactory(date_of_birth=dt.date(1990, 5, 1)))
    response = client.post(reverse("workforce:apply"), form_data(commits_five_hours=None))
    assert "at least 5 hours" in response.content.decode()
    assert not Application.objects.exists()


@time_machine.travel(NOW)
def test_apply_asks_the_age_when_the_account_has_none_and_refuses_under_18(client):
    client.force_login(UserFactory(date_of_birth=None))
    page = client.get(reverse("workforce:apply")).content.decode()
    assert "date of birth" in page
    response = client.post(reverse("workforce:apply"), form_data(date_of_birth="2010-01-01"))
    assert "18 or older" in response.content.decode() and not Application.objects.exists()
    client.post(reverse("workforce:apply"), form_data(date_of_birth="1995-01-01"))
    assert Application.objects.count() == 1
    client.force_login(UserFactory(date_of_birth=dt.date(2010, 1, 1)))
    assert "can't take your application yet" in client.get(reverse("workforce:apply")).content.decode()


@time_machine.travel(NOW)
def test_a_second_application_gets_a_clear_message(client):
    application = application_at(Stage.SUBMITTED)
    client.force_login(application.user)
    response = client.get(reverse("workforce:apply"), follow=True)
    assert "already applied" in response.content.decode()
    client.post(reverse("workforce:apply"), form_data())
    assert Application.objects.filter(user=application.user).count() == 1


def test_apply_and_progress_need_an_account(client):
    for name in ("workforce:apply", "workforce:progress"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response["Location"]


@time_machine.travel(NOW, tick=True)
def test_progress_shows_the_steps_and_what_happens_next(client, django_assert_max_num_queries):
    application = application_at(Stage.INTERVIEW)
    client.force_login(application.user)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("workforce:progress")).content.decode()
    assert 'aria-current="step"' in page and "One-to-one interview" in page
    assert "Video call" in page  # the interview note
    assert page.count("Done") == 3


def test_certified_applicants_see_orientation_instead_of_training(client):
    application = application_at(Stage.CLEARED, already_certified=True)
    client.force_login(application.user)
    page = client.get(reverse("workforce:progress")).content.decode()
    assert "once we have oriented you" in page
    assert ">Training<" not in page


@time_machine.travel(NOW, tick=True)
def test_the_applicant_links_their_session_sends_a_video_accepts_and_consents(client, _private_storage):
    application = application_at(Stage.SUBMITTED)
    user = application.user
    booking = completed_booking_of(user)
    other = completed_booking_of(SeekerFactory().user)
    client.force_login(user)
    page = client.get(reverse("workforce:peer_session")).content.decode()
    assert booking.supporter.display_name in page and other.supporter.display_name not in page
    client.post(reverse("workforce:peer_session"), {"booking": other.pk})  # not theirs: refused
    assert Application.objects.get(pk=application.pk).peer_session_booking_id is None
    client.post(reverse("workforce:peer_session"), {"booking": booking.pk})
    assert Application.objects.get(pk=application.pk).peer_session_booking_id == booking.pk

    from workforce import services

    services.peer_session_confirm(application_id=application.pk, by=staff("trainer"))
    response = client.post(reverse("workforce:video"), {"how": "link", "link": "http://insecure.example/v"})
    assert "https://" in response.content.decode()
    client.post(
        reverse("workforce:video"), {"how": "upload", "video": upload("me.mp4", mp4_bytes(), "video/mp4")}
    )
    application.refresh_from_db()
    assert application.stage == Stage.VIDEO and application.video_kind == "mp4"
    assert client.get(reverse("workforce:video_file", args=[application.pk])).status_code == 200

    trainer = staff("trainer")
    services.interview_schedule(
        application_id=application.pk, by=trainer, at=timezone.now() + dt.timedelta(days=1)
    )
    services.offer_make(application_id=application.pk, by=trainer)
    page = client.get(reverse("workforce:offer")).content.decode()
    assert "1099" in page and "Accept the offer" in page
    response = client.post(reverse("workforce:offer"), {"consent": "1", "agree": "on"})  # not accepted yet
    assert "accept the offer first" in response.content.decode()
    client.post(reverse("workforce:offer"), {"accept": "1"})
    response = client.post(reverse("workforce:offer"), {"consent": "1"}, REMOTE_ADDR="192.0.2.44")
    assert "tick the box" in response.content.decode()
    client.post(reverse("workforce:offer"), {"consent": "1", "agree": "on"}, REMOTE_ADDR="192.0.2.44")
    assert BackgroundCheckConsent.objects.get(application=application).ip_address == "192.0.2.44"
    assert Application.objects.get(pk=application.pk).stage == Stage.CONSENT


@time_machine.travel(dt.datetime(2026, 12, 5, 23, 30, tzinfo=dt.UTC), tick=False)  # a Saturday, late
def test_consent_records_the_applicants_address_behind_the_proxy(client, settings):
    """Behind one proxy, REMOTE_ADDR is the proxy's; the consent keeps the applicant's address, read from
    X-Forwarded-For the way the rate limits read it."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    application = application_at(Stage.OFFER)
    client.force_login(application.user)
    client.post(reverse("workforce:offer"), {"accept": "1"})
    client.post(
        reverse("workforce:offer"),
        {"consent": "1", "agree": "on"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    assert BackgroundCheckConsent.objects.get(application=application).ip_address == "198.51.100.23"


def test_withdraw_asks_first(client):
    application = application_at(Stage.VIDEO)
    client.force_login(application.user)
    assert "Are you sure" in client.get(reverse("workforce:withdraw")).content.decode()
    assert Application.objects.get(pk=application.pk).stage == Stage.VIDEO
    client.post(reverse("workforce:withdraw"))
    assert Application.objects.get(pk=application.pk).stage == Stage.WITHDRAWN


def test_steps_out_of_turn_change_nothing(client):
    application = application_at(Stage.SUBMITTED)
    client.force_login(application.user)
    client.post(reverse("workforce:video"), {"how": "link", "link": "https://v.example/x"})
    client.post(reverse("workforce:offer"), {"accept": "1"})
    application.refresh_from_db()
    assert application.stage == Stage.SUBMITTED and application.offer_accepted_at is None


def test_people_without_an_application_get_404_on_its_steps(client):
    client.force_login(SeekerFactory().user)
    for name in ("workforce:peer_session", "workforce:video", "workforce:offer", "workforce:withdraw"):
        assert client.get(reverse(name)).status_code == 404


@pytest.mark.parametrize(
    "who, status",
    [
        ("anonymous", 404),
        ("another applicant", 404),
        ("seeker", 404),
        ("supporter", 404),
        ("supervisor", 404),
        ("staff without a role", 404),
        ("the applicant", 200),
        ("trainer", 200),
        ("operations", 200),
    ],
)
def test_the_resume_is_reachable_only_with_permission(client, who, status):
    application = application_at(Stage.SUBMITTED)
    people = {
        "another applicant": lambda: application_at(Stage.SUBMITTED).user,
        "seeker": lambda: SeekerFactory().user,
        "supporter": lambda: SupporterFactory().user,
        "supervisor": lambda: staff("supervisor"),
        "staff without a role": StaffFactory,
        "the applicant": lambda: application.user,
        "trainer": lambda: staff("trainer"),
        "operations": lambda: staff("operations"),
    }
    if who != "anonymous":
        client.force_login(people[who]())
    response = client.get(reverse("workforce:resume", args=[application.pk]))
    assert response.status_code == status
    logged = AccessLog.objects.filter(object_id=str(application.pk), record__startswith="Resume")
    if status == 200:
        assert b"".join(response.streaming_content) == pdf_bytes()
        assert response["Content-Disposition"].startswith("attachment;")
        assert "no-store" in response["Cache-Control"]
        assert response["Content-Type"] == "application/pdf"
        assert logged.count() == (1 if who in ("trainer", "operations") else 0)
    else:
        assert logged.count() == 0


def test_no_public_url_reaches_a_resume(client, settings):
    application = application_at(Stage.SUBMITTED)
    for url in (
        f"/media/{application.resume_file}",
        f"/media/private/{application.resume_file}",
        f"/private/{application.resume_file}",
    ):
        assert client.get(url).status_code == 404


def test_a_closed_application_says_so_without_steps_or_a_withdraw_link(client):
    application = application_at(Stage.VIDEO)
    from workforce import services

    services.application_reject(application_id=application.pk, by=staff("trainer"))
    client.force_login(application.user)
    page = client.get(reverse("workforce:progress")).content.decode()
    assert "be going ahead with your application this time" in page
    assert "hiring-step" not in page and reverse("workforce:withdraw") not in page
