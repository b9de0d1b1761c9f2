"""Training as people use it, in Chromium against a live server: a trainer enrols an applicant at the
training step, records attendance and hours; the trainee logs practice hours; a supervisor approves them;
the trainer completes the training; the trainee downloads the certificate; anyone can check it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.browser.test_booking_journey import assert_accessible, signed_in_page
from tests.factories import SupporterFactory
from tests.workforce.training_helpers import application_at, cohort, staff_with_role
from workforce.models import Certificate, Enrolment
from workforce.services import training
from workforce.stages import Stage

pytestmark = pytest.mark.django_db(transaction=True)

LA = ZoneInfo("America/Los_Angeles")
NOW = dt.datetime(2027, 2, 15, 12, 0, tzinfo=LA)  # week 7 of the 2027 Q1 course


@time_machine.travel(NOW, tick=True)
def test_enrol_train_practise_complete_and_verify(browser, live_server, mailoutbox):
    cohort(kickoff=dt.date(2027, 1, 4), name="2027 Q1", capacity=12)
    applicant = application_at(first_name="Maya", email="maya@example.com")
    trainer = staff_with_role("trainer", first_name="Tom")
    supervisor = staff_with_role("supervisor", first_name="Sara")
    SupporterFactory(display_name="Jess Rivera")
    trainer_page = signed_in_page(browser, live_server, trainer)
    trainee_page = signed_in_page(browser, live_server, applicant.user)
    supervisor_page = signed_in_page(browser, live_server, supervisor)

    # The trainer enrols Maya, who reached the training step.
    trainer_page.goto(reverse("workforce:staff_cohorts"))
    trainer_page.get_by_role("link", name="2027 Q1").click()
    trainer_page.get_by_role("heading", name="Cohort 2027 Q1").wait_for()
    assert_accessible(trainer_page)
    trainer_page.get_by_label("Applicant at the training step").select_option(label="Maya (maya@example.com)")
    trainer_page.get_by_role("button", name="Enrol").click()
    trainer_page.get_by_text("Maya is enrolled in 2027 Q1.").wait_for()
    enrolment = Enrolment.objects.get(application=applicant)
    assert "Your place in a training cohort" in [m.subject for m in mailoutbox]
    # Earlier weeks' coursework, recorded before today.
    for week in range(1, 6):
        training.coursework_add(
            enrolment_id=enrolment.pk, minutes=15 * 60, note=f"Week {week} modules", by=trainer
        )

    # Attendance at the first live session, then this week's coursework hours.
    trainer_page.get_by_role("link", name="Record attendance for 4 Jan 2027").click()
    trainer_page.get_by_role("heading", name="Record attendance").wait_for()
    assert_accessible(trainer_page)
    trainer_page.get_by_label("Maya").check()
    trainer_page.get_by_role("button", name="Save attendance").click()
    trainer_page.get_by_text("Attendance saved: 1 of 1 present.").wait_for()
    trainer_page.get_by_role("link", name="Maya").click()
    trainer_page.get_by_label("Hours to add").fill("3.5")
    trainer_page.get_by_label("What the hours were for").fill("Week 7 module: boundaries")
    trainer_page.get_by_role("button", name="Add hours").click()
    trainer_page.get_by_text("Hours added.").wait_for()
    assert trainer_page.get_by_text("Training hours: 80 of 80").is_visible()
    assert trainer_page.get_by_text("Completion opens when every requirement is met.").is_visible()
    assert_accessible(trainer_page)

    # Maya sees her progress and logs five practice hours with Jess.
    trainee_page.goto(reverse("workforce:training"))
    trainee_page.get_by_role("heading", name="Your training").wait_for()
    assert trainee_page.get_by_text("Training hours: 80 of 80").is_visible()
    assert trainee_page.get_by_text("5 more approved practice hours").is_visible()
    assert_accessible(trainee_page)
    trainee_page.get_by_role("link", name="Log practice hours").click()
    trainee_page.get_by_label("Date").fill("2027-02-12")
    trainee_page.get_by_label("Minutes").fill("300")
    trainee_page.get_by_label("Experienced supporter").select_option(label="Jess Rivera")
    trainee_page.get_by_label("Reflection").fill("Practised open questions and summarising with Jess.")
    assert_accessible(trainee_page)
    trainee_page.get_by_role("button", name="Send for review").click()
    trainee_page.get_by_text("Practice logged. A supervisor will review it.").wait_for()
    assert trainee_page.get_by_text("5 waiting for review").is_visible()

    # The supervisor reads the reflection and approves the hours.
    supervisor_page.goto(reverse("workforce:staff_practice_queue"))
    supervisor_page.get_by_role("link", name="Maya").click()
    supervisor_page.get_by_text("Practised open questions and summarising with Jess.").wait_for()
    assert_accessible(supervisor_page)
    supervisor_page.get_by_label("Approve: these hours count").check()
    supervisor_page.get_by_role("button", name="Save the review").click()
    supervisor_page.get_by_text("Nothing is waiting.").wait_for()

    # The trainer completes the training; the certificate is issued and Maya moves on to onboarding.
    trainer_page.reload()
    trainer_page.get_by_label("Name as it should print on the certificate").fill("Maya Okafor")
    trainer_page.get_by_role("button", name="Complete training and issue the certificate").click()
    trainer_page.get_by_text("Training completed. The certificate is issued.").wait_for()
    certificate = Certificate.objects.get(enrolment=enrolment)
    applicant.refresh_from_db()
    assert applicant.stage == Stage.ONBOARDING

    # Maya downloads it.
    trainee_page.reload()
    trainee_page.get_by_role("heading", name="You have completed your training").wait_for()
    assert_accessible(trainee_page)
    with trainee_page.expect_download() as download:
        trainee_page.get_by_role("link", name="Download your certificate (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Anyone can check the code; a wrong one is not found.
    visitor = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}).new_page()
    visitor.goto(reverse("workforce:verify"))
    visitor.get_by_label("Verification code").fill(certificate.code.lower())
    visitor.get_by_role("button", name="Check").click()
    visitor.get_by_role("heading", name="This certificate is valid").wait_for()
    assert visitor.get_by_text("Maya Okafor").is_visible() and visitor.get_by_text("2027 Q1").is_visible()
    assert_accessible(visitor)
    visitor.get_by_label("Verification code").fill("AAAA-BBBB-CCCC-DDDD")
    visitor.get_by_role("button", name="Check").click()
    visitor.get_by_role("heading", name="Not found").wait_for()
    assert_accessible(visitor)
