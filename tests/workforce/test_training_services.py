"""Training services: enrolment rules, attendance and hours totals, practice review, completion and the
certificate. Time is frozen wherever "now" decides something."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections

from notifications.models import Notification
from tests.factories import StaffFactory, SupporterFactory
from tests.workforce.training_helpers import application_at, cohort
from workforce.demo import seed_cohorts
from workforce.models import Attendance, Certificate, Enrolment, PracticeLog
from workforce.selectors.training import cohort_list_schedule, enrolment_list_with_totals, enrolment_progress
from workforce.services import training
from workforce.services.training import TrainingError
from workforce.stages import Stage

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
NOW = dt.datetime(2027, 2, 15, 12, 0, tzinfo=LA)  # a Monday, five weeks into 2027 Q1
KICKOFF = dt.date(2027, 1, 4)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def q1():
    return cohort(kickoff=KICKOFF, capacity=2)


def enrol(cohort_, application=None):
    application = application or application_at()
    return training.enrolment_create(cohort_id=cohort_.pk, application_id=application.pk, by=StaffFactory())


def practice(enrolment, minutes=60, **kwargs):
    return training.practice_log_submit(
        enrolment_id=enrolment.pk,
        user=enrolment.application.user,
        date=kwargs.pop("date", dt.date(2027, 2, 10)),
        minutes=minutes,
        experienced_supporter=kwargs.pop("supporter", None) or SupporterFactory(),
        reflection=kwargs.pop("reflection", "We practised reflective listening."),
    )


# --- enrolment ----------------------------------------------------------------------------------------


def test_enrolment_create_takes_an_applicant_at_training_and_emails_the_dates_once(
    q1, django_capture_on_commit_callbacks, mailoutbox
):
    application = application_at()
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrol(q1, application)
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert [m.subject for m in mailoutbox] == ["Your place in a training cohort"]
    assert "4 January 2027" in mailoutbox[0].body and "1 March 2027" in mailoutbox[0].body
    assert Notification.objects.filter(key=f"workforce-enrolled-{enrolment.pk}").count() == 1


@pytest.mark.parametrize("stage", [Stage.SUBMITTED, Stage.CLEARED, Stage.ONBOARDING, Stage.REJECTED])
def test_enrolment_create_refuses_other_stages(q1, stage):
    application = application_at(stage)
    with pytest.raises(TrainingError, match="Only applicants at the training step"):
        enrol(q1, application)
    assert not Enrolment.objects.exists()


def test_enrolment_create_refuses_a_second_active_enrolment(q1):
    application = application_at()
    enrol(q1, application)
    other = cohort(kickoff=dt.date(2027, 2, 1), name="Extra")
    with pytest.raises(TrainingError, match="already enrolled"):
        enrol(other, application)
    assert Enrolment.objects.count() == 1


def test_enrolment_create_refuses_beyond_capacity(q1):
    enrol(q1)
    enrol(q1)
    with pytest.raises(TrainingError, match="2027 Q1 is full \\(2 places\\)"):
        enrol(q1)
    assert q1.enrolments.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_enrolments_at_once_never_take_more_than_the_places():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    last_place = cohort(kickoff=KICKOFF, capacity=1)
    applications = [application_at(), application_at()]
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(application):
        try:
            barrier.wait()
            enrol(last_place, application)
            outcomes.append("enrolled")
        except TrainingError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["enrolled", "full"]
    assert Enrolment.objects.filter(cohort=last_place).count() == 1


# --- attendance and hours -----------------------------------------------------------------------------


def test_attendance_and_coursework_add_up_to_training_hours(q1):
    ana, ben = enrol(q1), enrol(q1)
    trainer = StaffFactory()
    sessions = list(q1.sessions.all())
    training.attendance_record(session_id=sessions[0].pk, present_enrolment_ids={ana.pk, ben.pk}, by=trainer)
    training.attendance_record(session_id=sessions[1].pk, present_enrolment_ids={ana.pk}, by=trainer)
    # Recording a register again replaces it: Ben was there after all, Ana was not.
    training.attendance_record(session_id=sessions[1].pk, present_enrolment_ids={ben.pk}, by=trainer)
    training.coursework_add(enrolment_id=ana.pk, minutes=150, note="Module 1 reading", by=trainer)

    progress = enrolment_progress(enrolment=ana)
    assert progress.live_minutes == 90 and progress.sessions_attended == 1
    assert progress.coursework_minutes == 150 and progress.training_minutes == 240
    # Weekly at 17:00 (the server zone) from 4 January: by noon Pacific on 15 February seven have begun.
    assert progress.sessions_held == 7 and progress.sessions_total == 8
    assert Attendance.objects.filter(session=sessions[1], present=False).get().enrolment == ana
    assert enrolment_progress(enrolment=ben).live_minutes == 180


def test_attendance_record_refuses_a_future_session_and_strangers(q1):
    ana = enrol(q1)
    future = q1.sessions.order_by("-start").first()
    with pytest.raises(TrainingError, match="once the session has started"):
        training.attendance_record(session_id=future.pk, present_enrolment_ids={ana.pk}, by=StaffFactory())
    other = enrol(cohort(kickoff=dt.date(2027, 2, 1), name="Other"))
    with pytest.raises(TrainingError, match="not in this cohort"):
        training.attendance_record(
            session_id=q1.sessions.first().pk, present_enrolment_ids={other.pk}, by=StaffFactory()
        )
    assert not Attendance.objects.exists()


def test_coursework_add_refuses_bad_minutes_and_an_empty_note(q1):
    ana = enrol(q1)
    for minutes, note, message in [(0, "x", "between 1 minute"), (60, "  ", "what the hours were for")]:
        with pytest.raises(TrainingError, match=message):
            training.coursework_add(enrolment_id=ana.pk, minutes=minutes, note=note, by=StaffFactory())
    assert not ana.coursework.exists()


def test_roster_totals_come_in_one_query(q1, django_assert_num_queries):
    trainer = StaffFactory()
    for _ in range(2):
        enrolment = enrol(q1)
        training.coursework_add(enrolment_id=enrolment.pk, minutes=60, note="Reading", by=trainer)
        training.attendance_record(
            session_id=q1.sessions.first().pk,
            present_enrolment_ids=set(q1.enrolments.values_list("pk", flat=True)),
            by=trainer,
        )
    with django_assert_num_queries(1):
        rows = list(enrolment_list_with_totals(cohort=q1))
    assert [(r.live_minutes, r.coursework_minutes) for r in rows] == [(90, 60), (90, 60)]


# --- practice hours -----------------------------------------------------------------------------------


def test_practice_review_approve_return_and_resubmit(q1, django_capture_on_commit_callbacks, mailoutbox):
    ana = enrol(q1)
    supervisor = StaffFactory()
    first, second = practice(ana, 120), practice(ana, 60)
    assert enrolment_progress(enrolment=ana).practice_pending_minutes == 180

    training.practice_log_review(log_id=first.pk, by=supervisor, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        training.practice_log_review(
            log_id=second.pk, by=supervisor, approve=False, feedback="Please name the skill you practised."
        )
    progress = enrolment_progress(enrolment=ana)
    assert (progress.practice_approved_minutes, progress.practice_pending_minutes) == (120, 0)
    assert progress.practice_returned_count == 1
    assert [m.subject for m in mailoutbox] == ["A practice log needs a change"]
    assert "name the skill" not in mailoutbox[0].body  # the feedback stays on the site

    with pytest.raises(TrainingError, match="already been reviewed"):
        training.practice_log_review(log_id=second.pk, by=supervisor, approve=True)
    training.practice_log_resubmit(
        log_id=second.pk,
        user=ana.application.user,
        date=dt.date(2027, 2, 11),
        minutes=75,
        experienced_supporter=second.experienced_supporter,
        reflection="Open questions and summarising.",
    )
    second.refresh_from_db()
    assert second.status == PracticeLog.Status.SUBMITTED and second.minutes == 75
    assert second.feedback == "Please name the skill you practised."  # still there for the reviewer
    training.practice_log_review(log_id=second.pk, by=supervisor, approve=True)
    assert enrolment_progress(enrolment=ana).practice_approved_minutes == 195


def test_practice_review_return_needs_feedback_and_approved_logs_cannot_be_resubmitted(q1):
    ana = enrol(q1)
    log = practice(ana)
    with pytest.raises(TrainingError, match="Say what should change"):
        training.practice_log_review(log_id=log.pk, by=StaffFactory(), approve=False, feedback=" ")
    training.practice_log_review(log_id=log.pk, by=StaffFactory(), approve=True)
    with pytest.raises(TrainingError, match="Only a log that was returned"):
        training.practice_log_resubmit(
            log_id=log.pk,
            user=ana.application.user,
            date=log.date,
            minutes=480,
            experienced_supporter=log.experienced_supporter,
            reflection="more",
        )
    log.refresh_from_db()
    assert log.minutes == 60


def test_practice_log_submit_refuses_bad_input(q1):
    ana = enrol(q1)
    inactive = SupporterFactory(status="inactive")
    for kwargs, message in [
        ({"date": dt.date(2027, 2, 16)}, "in the future"),
        ({"minutes": 0}, "between 1 minute"),
        ({"supporter": inactive}, "active with us"),
        ({"reflection": "   "}, "reflection"),
    ]:
        with pytest.raises(TrainingError, match=message):
            practice(ana, **kwargs)
    assert not PracticeLog.objects.exists()


# --- completion and certificate -----------------------------------------------------------------------


def meet_requirements(enrolment):
    trainer, supervisor = StaffFactory(), StaffFactory()
    training.coursework_add(enrolment_id=enrolment.pk, minutes=24 * 60, note="Modules 1-4", by=trainer)
    training.coursework_add(enrolment_id=enrolment.pk, minutes=24 * 60, note="Modules 5-8", by=trainer)
    training.coursework_add(enrolment_id=enrolment.pk, minutes=23 * 60, note="Case studies", by=trainer)
    for session in enrolment.cohort.sessions.filter(start__lte=NOW):
        training.attendance_record(session_id=session.pk, present_enrolment_ids={enrolment.pk}, by=trainer)
    log = practice(enrolment, 300)
    training.practice_log_review(log_id=log.pk, by=supervisor, approve=True)


def test_enrolment_complete_refuses_until_requirements_are_met(q1):
    ana = enrol(q1)
    with pytest.raises(TrainingError, match="80 training hours and 5 approved practice hours still to go"):
        training.enrolment_complete(enrolment_id=ana.pk, by=StaffFactory(), name="Ana Lopez")
    meet_requirements(ana)
    log = practice(ana, 60)  # waiting for review: doesn't count, doesn't block
    assert log.status == PracticeLog.Status.SUBMITTED
    assert enrolment_progress(enrolment=ana).requirements_met
    assert not Certificate.objects.exists()
    ana.application.refresh_from_db()
    assert ana.application.stage == Stage.TRAINING


def test_enrolment_complete_issues_one_certificate_and_moves_to_onboarding(
    q1, django_capture_on_commit_callbacks, mailoutbox
):
    ana = enrol(q1)
    meet_requirements(ana)
    trainer = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        certificate = training.enrolment_complete(enrolment_id=ana.pk, by=trainer, name="  Ana   Lopez ")
        again = training.enrolment_complete(enrolment_id=ana.pk, by=trainer, name="Someone else")
    assert again == certificate and Certificate.objects.count() == 1
    assert certificate.name == "Ana Lopez"
    assert certificate.issued_at == NOW
    ana.refresh_from_db()
    ana.application.refresh_from_db()
    assert ana.status == Enrolment.Status.COMPLETED
    assert ana.application.stage == Stage.ONBOARDING
    event = ana.application.events.last()
    assert (event.from_stage, event.to_stage, event.by) == (Stage.TRAINING, Stage.ONBOARDING, trainer)
    assert [m.subject for m in mailoutbox] == ["You have completed your training"]
    assert certificate.code not in mailoutbox[0].body  # the code stays on the site and the PDF


def test_certificate_codes_are_random_and_typed_codes_are_forgiving(q1):
    codes = {training.certificate_code() for _ in range(1000)}
    assert len(codes) == 1000
    code = next(iter(codes))
    assert len(code) == 19 and code.count("-") == 3
    assert training.normalise_code(code.lower().replace("-", " ")) == code
    assert training.normalise_code("not a code") == ""
    assert training.certificate_find(code="AAAA-AAAA-AAAA-AAAA") is None


# --- the schedule -------------------------------------------------------------------------------------


def test_schedule_lists_the_coming_cohorts_in_date_order():
    cohort(kickoff=dt.date(2027, 1, 4), name="2027 Q1 (started)")
    later = cohort(kickoff=dt.date(2027, 7, 5))
    sooner = cohort(kickoff=dt.date(2027, 4, 5))
    far = cohort(kickoff=dt.date(2028, 7, 3))  # applications open more than a year ahead
    assert list(cohort_list_schedule(today=NOW.date())) == [sooner, later]
    assert far.pk


def test_seed_cohorts_adds_the_next_four_quarters_once():
    seed_cohorts(NOW.date())
    seed_cohorts(NOW.date())
    schedule = list(cohort_list_schedule(today=NOW.date()))
    assert [c.name for c in schedule] == ["2027 Q2", "2027 Q3", "2027 Q4", "2028 Q1"]
    assert schedule[0].kickoff == dt.date(2027, 4, 5) and schedule[0].sessions.count() == 8
