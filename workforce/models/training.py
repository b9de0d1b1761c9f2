"""Quarterly training cohorts: the cohort and its live sessions, who is enrolled, what each trainee
attended and completed, the practice hours they logged and their review, and the certificate at the end.

Writes go through ``workforce.services.training``; nothing here decides a rule beyond the row itself."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peersnet.kernel.crypto import EncryptedTextField

from .hiring import Application

COURSE_WEEKS = 8


def default_end(kickoff: dt.date) -> dt.date:
    """The last day of a cohort that starts on ``kickoff``: eight weeks later."""
    return kickoff + dt.timedelta(weeks=COURSE_WEEKS)


class Cohort(models.Model):
    """One quarter's training course. Its dates are the annual schedule shown on the Become a supporter
    page: applications open, then registration, then the course starts (kickoff) and runs eight weeks."""

    name = models.CharField(_("name"), max_length=40, unique=True, help_text=_("For example “2027 Q1”."))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)])
    applications_open = models.DateField(_("applications open"))
    registration_start = models.DateField(_("registration starts"))
    kickoff = models.DateField(_("course kickoff"))
    end = models.DateField(_("course ends"), help_text=_("Eight weeks after kickoff unless you set it."))
    total_hours_required = models.PositiveSmallIntegerField(_("training hours required"), default=80)
    practice_hours_required = models.PositiveSmallIntegerField(_("practice hours required"), default=5)
    capacity = models.PositiveSmallIntegerField(_("places"), default=20)

    class Meta:
        ordering = ["kickoff"]
        constraints = [
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="cohort_quarter_1_4"),
            models.CheckConstraint(
                condition=Q(applications_open__lte=models.F("registration_start"))
                & Q(registration_start__lte=models.F("kickoff"))
                & Q(kickoff__lt=models.F("end")),
                name="cohort_dates_in_order",
                violation_error_message=_(
                    "The dates go in this order: applications open, registration starts, kickoff, end."
                ),
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="cohort_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class LiveSession(models.Model):
    """A weekly live class of a cohort, 60 to 90 minutes."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    start = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=90)
    topic = models.CharField(_("topic"), max_length=120, blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "start"], name="livesession_one_per_start"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=60, duration_minutes__lte=90),
                name="livesession_60_to_90",
                violation_error_message=_("A live session lasts 60 to 90 minutes."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort} live session {self.start:%Y-%m-%d}"


class Enrolment(models.Model):
    """An applicant at the "training" stage, in a cohort. One active enrolment per application (a
    partial unique index); completed ones stay as the record of the course."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In training")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Left the cohort")

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrolments")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    enrolled_at = models.DateTimeField()
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cohort", "enrolled_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="active"),
                name="enrolment_one_active_per_application",
            ),
            models.UniqueConstraint(fields=["cohort", "application"], name="enrolment_once_per_cohort"),
        ]

    def __str__(self) -> str:
        return f"Enrolment {self.pk} in {self.cohort_id}"


class Attendance(models.Model):
    """Whether a trainee was at a live session, as the trainer recorded it (the latest record stands)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrolment", "session"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{'Present' if self.present else 'Absent'} at session {self.session_id}"


class CourseworkHours(models.Model):
    """Coursework a trainer credits to a trainee (reading, exercises, recorded modules), with a note."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="coursework")
    minutes = models.PositiveIntegerField(_("minutes"))
    note = models.CharField(_("what it was for"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=24 * 60), name="coursework_minutes"
            )
        ]

    def __str__(self) -> str:
        return f"{self.minutes} minutes of coursework"


class PracticeLog(models.Model):
    """Time a trainee spent practising with an experienced supporter, logged by the trainee and reviewed
    by a supervisor. A returned log can be corrected and sent again; only approved logs count."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="practice_logs")
    date = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("minutes"))
    experienced_supporter = models.ForeignKey(
        "supporters.SupporterProfile",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("experienced supporter"),
    )
    reflection = EncryptedTextField(_("reflection"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    submitted_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    feedback = EncryptedTextField(_("feedback"), blank=True)
    times_returned = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=1, minutes__lte=8 * 60), name="practice_minutes")
        ]

    def __str__(self) -> str:
        return f"Practice log {self.pk}"


class Certificate(models.Model):
    """The certificate of completion. ``code`` is random (80 bits) and is what the public verification
    page looks up; it shows only the printed name, the cohort and the date."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="certificate")
    code = models.CharField(max_length=24, unique=True)
    name = models.CharField(_("name as printed"), max_length=120)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Certificate {self.pk}"
