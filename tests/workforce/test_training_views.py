"""Training pages: who sees what (a trainee only their own; trainers and supervisors by role; anyone else
a 404), the forms' messages, the certificate PDF and the public verification page, and the schedule on the
Become a supporter page from the cohorts table."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from privacy import registry
from privacy.models import AccessLog
from tests.factories import StaffFactory, SupporterFactory, UserFactory
from tests.workforce.training_helpers import application_at, cohort, staff_with_role
from workforce.models import Certificate, Cohort, Enrolment, PracticeLog
from workforce.services import training
from workforce.stages import Stage
from workforce.views.training import VERIFY_LIMIT

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
NOW = dt.datetime(2027, 2, 15, 12, 0, tzinfo=LA)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world():
    q1 = cohort(kickoff=dt.date(2027, 1, 4), capacity=5)
    mine = training.enrolment_create(
        cohort_id=q1.pk, application_id=application_at(first_name="Ana").pk, by=None
    )
    theirs = training.enrolment_create(
        cohort_id=q1.pk, application_id=application_at(first_name="Ben").pk, by=None
    )
    log = training.practice_log_submit(
        enrolment_id=theirs.pk,
        user=theirs.application.user,
        date=dt.date(2027, 2, 10),
        minutes=60,
        experienced_supporter=SupporterFactory(),
        reflection="BEN-PRIVATE-REFLECTION",
    )
    return {
        "cohort": q1,
        "mine": mine,
        "theirs": theirs,
        "log": log,
        "trainer": staff_with_role("trainer"),
        "supervisor": staff_with_role("supervisor"),
        "operations": staff_with_role("operations"),
        "staff": staff_with_role(""),
        "stranger": UserFactory(),
    }


def urls(world):
    session = world["cohort"].sessions.first()
    return {
        "cohorts": reverse("workforce:staff_cohorts"),
        "cohort": reverse("workforce:staff_cohort", args=[world["cohort"].pk]),
        "attendance": reverse("workforce:staff_attendance", args=[session.pk]),
        "trainee": reverse("workforce:staff_trainee", args=[world["theirs"].pk]),
        "queue": reverse("workforce:staff_practice_queue"),
        "review": reverse("workforce:staff_practice_review", args=[world["log"].pk]),
    }


ALLOWED = {
    "trainer": {"cohorts", "cohort", "attendance", "trainee"},
    "supervisor": {"cohorts", "cohort", "trainee", "queue", "review"},
    "operations": {"cohorts"},
    "staff": set(),
    "stranger": set(),
}


@pytest.mark.parametrize("person", sorted(ALLOWED))
def test_staff_pages_by_role_and_404_for_everyone_else(client, world, person):
    client.force_login(world[person])
    got = {name: client.get(url).status_code for name, url in urls(world).items()}
    assert got == {name: 200 if name in ALLOWED[person] else 404 for name in got}


def test_a_trainer_never_sees_a_reflection_and_a_supervisors_read_is_logged(client, world):
    client.force_login(world["trainer"])
    assert "BEN-PRIVATE-REFLECTION" not in client.get(urls(world)["trainee"]).content.decode()
    client.force_login(world["supervisor"])
    assert "BEN-PRIVATE-REFLECTION" in client.get(urls(world)["review"]).content.decode()
    row = AccessLog.objects.get()
    assert (row.actor, row.object_id, row.record) == (
        world["supervisor"],
        str(world["log"].pk),
        "Practice log " + str(world["log"].pk),
    )


def test_staff_without_two_factor_get_a_404(client, world):
    trainer = StaffFactory()
    trainer.groups.add(*world["trainer"].groups.all())
    client.force_login(trainer)
    assert client.get(urls(world)["cohorts"]).status_code == 404


def test_a_trainee_sees_only_their_own_progress_and_logs(client, world):
    client.force_login(world["mine"].application.user)
    page = client.get(reverse("workforce:training")).content.decode()
    assert "2027 Q1" in page and "BEN-PRIVATE-REFLECTION" not in page
    assert client.get(reverse("workforce:practice_edit", args=[world["log"].pk])).status_code == 404
    assert client.get(reverse("workforce:certificate")).status_code == 404
    for url in urls(world).values():
        assert client.get(url).status_code == 404


def test_someone_not_in_training_sees_a_calm_page_and_cannot_log(client, world):
    client.force_login(world["stranger"])
    assert "not in a training cohort yet" in client.get(reverse("workforce:training")).content.decode()
    assert client.get(reverse("workforce:practice_new")).status_code == 404
    client.logout()
    response = client.get(reverse("workforce:training"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_enrol_form_refuses_beyond_capacity_with_a_message(client, world):
    q1 = world["cohort"]
    q1.capacity = 2
    q1.save()
    waiting = application_at(first_name="Cleo")
    client.force_login(world["trainer"])
    response = client.post(urls(world)["cohort"], {"application": waiting.pk})
    assert response.status_code == 200
    assert "2027 Q1 is full (2 places)" in response.content.decode()
    assert not Enrolment.objects.filter(application=waiting).exists()
    # An applicant at another stage is not even offered.
    early = application_at(Stage.INTERVIEW)
    response = client.post(urls(world)["cohort"], {"application": early.pk})
    assert "Select a valid choice" in response.content.decode()


def test_attendance_form_marks_everyone(client, world):
    client.force_login(world["trainer"])
    response = client.post(urls(world)["attendance"], {"present": [str(world["mine"].pk)]})
    assert response.status_code == 302
    session = world["cohort"].sessions.first()
    assert dict(session.attendance.values_list("enrolment_id", "present")) == {
        world["mine"].pk: True,
        world["theirs"].pk: False,
    }


def test_hours_form_and_completion_refused_until_met(client, world):
    client.force_login(world["trainer"])
    url = urls(world)["trainee"]
    response = client.post(url, {"form": "hours", "hours-hours": "0", "hours-note": "x"})
    assert "Ensure this value is greater than or equal to 0.25" in response.content.decode()
    client.post(url, {"form": "hours", "hours-hours": "2.5", "hours-note": "Module 1"})
    assert world["theirs"].coursework.get().minutes == 150
    response = client.post(url, {"form": "complete", "complete-name": "Ben"})
    assert "Not finished yet" in response.content.decode()
    assert not Certificate.objects.exists()
    # A supervisor may read the trainee page but not add hours.
    client.force_login(world["supervisor"])
    assert client.post(url, {"form": "hours", "hours-hours": "1", "hours-note": "x"}).status_code == 404


def test_practice_forms_log_return_and_resubmit(client, world, django_capture_on_commit_callbacks):
    ana = world["mine"].application.user
    supporter = SupporterFactory(display_name="Jess Rivera")
    client.force_login(ana)
    response = client.post(
        reverse("workforce:practice_new"),
        {"date": "2027-02-20", "minutes": "60", "experienced_supporter": supporter.pk, "reflection": "x"},
    )
    assert "be in the future" in response.content.decode()
    client.post(
        reverse("workforce:practice_new"),
        {
            "date": "2027-02-12",
            "minutes": "60",
            "experienced_supporter": supporter.pk,
            "reflection": "Listening",
        },
    )
    log = PracticeLog.objects.get(enrolment=world["mine"])
    client.force_login(world["supervisor"])
    review = reverse("workforce:staff_practice_review", args=[log.pk])
    response = client.post(review, {"decision": "return", "feedback": ""})
    assert "Say what should change" in response.content.decode()
    client.post(review, {"decision": "return", "feedback": "Add what you practised."})
    client.force_login(ana)
    page = client.get(reverse("workforce:training")).content.decode()
    assert "Add what you practised." in page and "Returned for changes" in page
    edit = reverse("workforce:practice_edit", args=[log.pk])
    assert "Add what you practised." in client.get(edit).content.decode()
    client.post(
        edit,
        {
            "date": "2027-02-12",
            "minutes": "90",
            "experienced_supporter": supporter.pk,
            "reflection": "Summaries",
        },
    )
    log.refresh_from_db()
    assert (log.status, log.minutes, log.reflection) == (PracticeLog.Status.SUBMITTED, 90, "Summaries")


def test_practice_queue_lists_in_constant_queries(client, world, django_assert_max_num_queries):
    for n in range(3):
        training.practice_log_submit(
            enrolment_id=world["mine"].pk,
            user=world["mine"].application.user,
            date=dt.date(2027, 2, 1 + n),
            minutes=30,
            experienced_supporter=SupporterFactory(),
            reflection="r",
        )
    client.force_login(world["supervisor"])
    client.get(urls(world)["queue"])  # fills the header's supervisor-queue count (kept for 30 s)
    with django_assert_max_num_queries(12):
        response = client.get(urls(world)["queue"])
    assert response.content.decode().count("log of") == 4


def test_roster_page_in_constant_queries(client, world, django_assert_max_num_queries):
    for _ in range(3):
        training.enrolment_create(cohort_id=world["cohort"].pk, application_id=application_at().pk, by=None)
    client.force_login(world["trainer"])
    with django_assert_max_num_queries(14):
        response = client.get(urls(world)["cohort"])
    assert response.status_code == 200


# --- certificate and verification ---------------------------------------------------------------------


@pytest.fixture
def certificate(world):
    enrolment = world["mine"]
    trainer = world["trainer"]
    training.coursework_add(enrolment_id=enrolment.pk, minutes=24 * 60, note="a", by=trainer)
    training.coursework_add(enrolment_id=enrolment.pk, minutes=24 * 60, note="b", by=trainer)
    training.coursework_add(enrolment_id=enrolment.pk, minutes=24 * 60, note="c", by=trainer)
    training.coursework_add(enrolment_id=enrolment.pk, minutes=8 * 60, note="d", by=trainer)
    log = training.practice_log_submit(
        enrolment_id=enrolment.pk,
        user=enrolment.application.user,
        date=dt.date(2027, 2, 1),
        minutes=300,
        experienced_supporter=SupporterFactory(),
        reflection="r",
    )
    training.practice_log_review(log_id=log.pk, by=world["supervisor"], approve=True)
    return training.enrolment_complete(enrolment_id=enrolment.pk, by=trainer, name="Ana Lopez")


def test_the_trainee_downloads_their_certificate(client, world, certificate):
    client.force_login(world["mine"].application.user)
    page = client.get(reverse("workforce:training")).content.decode()
    assert certificate.code in page and "Download your certificate" in page
    response = client.get(reverse("workforce:certificate"))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    client.force_login(world["theirs"].application.user)
    assert client.get(reverse("workforce:certificate")).status_code == 404


def test_verify_page_valid_invalid_and_nothing_else(client, world, certificate):
    page = client.get(reverse("workforce:verify_code", args=[certificate.code.lower()])).content.decode()
    assert "This certificate is valid" in page
    assert "Ana Lopez" in page and "2027 Q1" in page and "15 February 2027" in page
    assert world["mine"].application.user.email not in page
    page = client.get(reverse("workforce:verify"), {"code": "AAAA-BBBB-CCCC-DDDD"}).content.decode()
    assert "Not found" in page and "Ana Lopez" not in page
    assert "Not found" not in client.get(reverse("workforce:verify")).content.decode()  # nothing asked yet


def test_verify_page_is_rate_limited(client, certificate):
    url = reverse("workforce:verify_code", args=[certificate.code])
    for _ in range(VERIFY_LIMIT.limit):
        assert client.get(url, REMOTE_ADDR="10.9.8.7").status_code == 200
    response = client.get(url, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 429
    assert "Too many checks" in response.content.decode() and "Ana Lopez" not in response.content.decode()
    assert client.get(url, REMOTE_ADDR="10.9.8.8").status_code == 200  # per address


# --- the schedule on the Become a supporter page --------------------------------------------------------


def test_become_a_supporter_shows_the_coming_cohorts_from_the_table(client):
    cohort(kickoff=dt.date(2027, 1, 4), name="2027 Q1")  # already started: not offered
    cohort(kickoff=dt.date(2027, 4, 5), name="2027 Q2")
    cohort(kickoff=dt.date(2027, 7, 5), name="2027 Q3")
    page = client.get(reverse("pages:become_a_supporter")).content.decode()
    assert "2027 Q2" in page and "2027 Q3" in page and "2027 Q1" not in page
    assert "5 April 2027" in page and "4 January 2027" not in page
    assert "80 hours" in page and "8 weeks" in page


def test_become_a_supporter_without_cohorts_says_so(client):
    page = client.get(reverse("pages:become_a_supporter")).content.decode()
    assert "dates of the next cohorts aren't set yet" in page


def test_training_joins_the_export_and_deletion(world):
    section = next(s for s in registry.sections() if s.name == "training")
    user = world["theirs"].application.user
    exported = section.exporter(user)
    assert exported[0]["cohort"] == "2027 Q1"
    assert exported[0]["practice"][0]["reflection"] == "BEN-PRIVATE-REFLECTION"
    section.eraser(user, now=NOW)
    assert not Enrolment.objects.filter(application__user=user).exists()
    assert Enrolment.objects.filter(pk=world["mine"].pk).exists()


def test_a_trainer_adds_a_cohort_in_the_admin_and_its_end_defaults_to_eight_weeks(client, world):
    client.force_login(world["trainer"])
    response = client.post(
        "/admin/workforce/cohort/add/",
        {
            "name": "2027 Q3",
            "year": "2027",
            "quarter": "3",
            "applications_open": "2027-04-19",
            "registration_start": "2027-06-01",
            "kickoff": "2027-07-05",
            "end": "",
            "total_hours_required": "80",
            "practice_hours_required": "5",
            "capacity": "16",
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "0",
            "sessions-0-start_0": "2027-07-06",
            "sessions-0-start_1": "17:00",
            "sessions-0-duration_minutes": "120",
        },
    )
    assert response.status_code == 200  # a two-hour session is refused
    assert not Cohort.objects.filter(name="2027 Q3").exists()
    assert "A live session lasts 60 to 90 minutes." in response.content.decode()
    data = {key: value for key, value in response.wsgi_request.POST.items()}
    data["sessions-0-duration_minutes"] = "90"
    response = client.post("/admin/workforce/cohort/add/", data)
    assert response.status_code == 302
    added = Cohort.objects.get(name="2027 Q3")
    assert added.end == dt.date(2027, 8, 30) and added.sessions.get().duration_minutes == 90


@pytest.mark.parametrize("person", ["trainer", "supervisor", "operations", "staff"])
def test_the_admin_links_to_training_for_those_who_may_open_it(client, world, person):
    """Staff live in the admin: whoever may open the cohorts finds "Training" among its links; staff who
    may not see no such link."""
    client.force_login(world[person])
    page = client.get(reverse("admin:index")).content.decode()
    link = f'<a href="{reverse("workforce:staff_cohorts")}">Training</a>'
    assert (link in page) == ("cohorts" in ALLOWED[person])
