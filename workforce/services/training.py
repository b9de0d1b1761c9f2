"""Training cohorts: create a cohort and its live sessions, enrol applicants who reached "training",
record attendance and coursework, take practice logs through a supervisor's review, and complete a
trainee with a certificate (which moves the application on to onboarding through ``application_move``).

Completion is a trainer's action, not automatic: the trainer confirms the name as it should print, and the
service refuses unless every requirement is met at that moment."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from peersnet.errors import DomainError
from supporters.models import SupporterProfile

from ..emails import training as emails
from ..models import (
    Application,
    Attendance,
    Certificate,
    Cohort,
    CourseworkHours,
    Enrolment,
    LiveSession,
    PracticeLog,
)
from ..models.training import default_end
from ..selectors.training import enrolment_progress, hours
from ..stages import Stage
from .hiring import application_move

# Crockford's base32 without the look-alikes (no I, L, O, U): 16 characters are 80 random bits.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16


class TrainingError(DomainError):
    """A training rule said no; the message is for the person who tried."""


def certificate_code() -> str:
    """A new random verification code, e.g. "7K3M-Q9TR-2XWB-HN4D"."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(value: str) -> str:
    """A typed code as stored: case, spaces and dashes don't matter; O, I and L read as 0, 1 and 1."""
    raw = (
        "".join(ch for ch in value.upper() if ch.isalnum())
        .replace("O", "0")
        .replace("I", "1")
        .replace("L", "1")
    )
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return ""
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


@transaction.atomic
def cohort_create(
    *,
    name: str,
    year: int,
    quarter: int,
    applications_open: dt.date,
    registration_start: dt.date,
    kickoff: dt.date,
    capacity: int,
    end: dt.date | None = None,
    total_hours_required: int = 80,
    practice_hours_required: int = 5,
) -> Cohort:
    """A cohort; its end defaults to eight weeks after kickoff."""
    return Cohort.objects.create(
        name=name,
        year=year,
        quarter=quarter,
        applications_open=applications_open,
        registration_start=registration_start,
        kickoff=kickoff,
        end=end or default_end(kickoff),
        capacity=capacity,
        total_hours_required=total_hours_required,
        practice_hours_required=practice_hours_required,
    )


@transaction.atomic
def live_sessions_add_weekly(
    *, cohort: Cohort, first_start: dt.datetime, count: int = 8, duration_minutes: int = 90
) -> list[LiveSession]:
    """``count`` weekly live sessions from ``first_start`` (the same wall-clock time each week in the
    zone of ``first_start``). Sessions that already exist at a time are kept as they are."""
    if not 60 <= duration_minutes <= 90:
        raise TrainingError("A live session lasts between 60 and 90 minutes.")
    sessions = []
    for week in range(count):
        start = first_start + dt.timedelta(weeks=week)
        session, _created = LiveSession.objects.get_or_create(
            cohort=cohort, start=start, defaults={"duration_minutes": duration_minutes}
        )
        sessions.append(session)
    return sessions


def enrolment_create(*, cohort_id: int, application_id: int, by: User | None) -> Enrolment:
    """Enrol an applicant at "training" in a cohort. Locks the cohort first (so two enrolments at once
    can't both take its last place), then the application. Emails the dates after commit.
    Refuses: another stage, an active enrolment already, a full cohort, a cohort that already ended."""
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=cohort_id)
        application = Application.objects.select_for_update().select_related("user").get(pk=application_id)
        if application.stage != Stage.TRAINING:
            raise TrainingError(
                f"Only applicants at the training step can be enrolled; this application is at "
                f"“{application.get_stage_display()}”.",
                code="bad_stage",
            )
        if Enrolment.objects.filter(application=application, status=Enrolment.Status.ACTIVE).exists():
            raise TrainingError("This applicant is already enrolled in a cohort.", code="already_enrolled")
        if cohort.end < timezone.localdate():
            raise TrainingError(f"{cohort.name} has already ended.", code="ended")
        taken = cohort.enrolments.exclude(status=Enrolment.Status.WITHDRAWN).count()
        if taken >= cohort.capacity:
            raise TrainingError(
                f"{cohort.name} is full ({cohort.capacity} places). "
                "Choose another cohort, or give this one more places.",
                code="full",
            )
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(
                    cohort=cohort, application=application, enrolled_at=timezone.now(), enrolled_by=by
                )
        except IntegrityError:
            raise TrainingError(
                "This applicant was in this cohort before. Choose another cohort.", code="was_enrolled"
            ) from None
        emails.email_enrolled(enrolment)
    return enrolment


@transaction.atomic
def attendance_record(*, session_id: int, present_enrolment_ids: set[int], by: User) -> int:
    """The trainer's register for one live session: every active trainee of the cohort is marked present
    (if their id is in ``present_enrolment_ids``) or absent. Recording again replaces the earlier marks.
    Returns how many were marked present."""
    session = LiveSession.objects.select_for_update().get(pk=session_id)
    if session.start > timezone.now():
        raise TrainingError("Attendance can be recorded once the session has started.", code="future")
    enrolments = list(
        session.cohort.enrolments.filter(status=Enrolment.Status.ACTIVE).values_list("pk", flat=True)
    )
    unknown = set(present_enrolment_ids) - set(enrolments)
    if unknown:
        raise TrainingError("Someone marked present is not in this cohort.", code="unknown")
    now = timezone.now()
    for enrolment_id in enrolments:
        Attendance.objects.update_or_create(
            enrolment_id=enrolment_id,
            session=session,
            defaults={
                "present": enrolment_id in present_enrolment_ids,
                "recorded_by": by,
                "recorded_at": now,
            },
        )
    return len(set(present_enrolment_ids))


@transaction.atomic
def coursework_add(*, enrolment_id: int, minutes: int, note: str, by: User) -> CourseworkHours:
    """Credit coursework time to an active trainee."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment_id)
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise TrainingError("Hours can be added only while the trainee is in training.", code="not_active")
    if not 1 <= minutes <= 24 * 60:
        raise TrainingError("Enter between 1 minute and 24 hours.", code="minutes")
    note = note.strip()
    if not note:
        raise TrainingError("Say what the hours were for.", code="note")
    return CourseworkHours.objects.create(
        enrolment=enrolment, minutes=minutes, note=note, recorded_by=by, recorded_at=timezone.now()
    )


def _check_practice(
    *, date: dt.date, minutes: int, experienced_supporter: SupporterProfile, enrolment
) -> None:
    if date > timezone.localdate():
        raise TrainingError("The date can't be in the future.", code="future")
    if date < enrolment.cohort.registration_start:
        raise TrainingError("The date is before your cohort's registration started.", code="early")
    if not 1 <= minutes <= 8 * 60:
        raise TrainingError("Enter between 1 minute and 8 hours.", code="minutes")
    if experienced_supporter.status != SupporterProfile.Status.ACTIVE:
        raise TrainingError("Choose a supporter who is active with us.", code="supporter")
    if experienced_supporter.user_id == enrolment.application.user_id:
        raise TrainingError("Practice is with another, experienced supporter.", code="self")


@transaction.atomic
def practice_log_submit(
    *,
    enrolment_id: int,
    user: User,
    date: dt.date,
    minutes: int,
    experienced_supporter: SupporterProfile,
    reflection: str,
) -> PracticeLog:
    """The trainee logs practice time; it waits for a supervisor's review."""
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("cohort", "application")
        .get(pk=enrolment_id, application__user=user)
    )
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise TrainingError("Practice hours can be logged only while you are in training.", code="not_active")
    _check_practice(
        date=date, minutes=minutes, experienced_supporter=experienced_supporter, enrolment=enrolment
    )
    if not reflection.strip():
        raise TrainingError("Write a few words of reflection.", code="reflection")
    return PracticeLog.objects.create(
        enrolment=enrolment,
        date=date,
        minutes=minutes,
        experienced_supporter=experienced_supporter,
        reflection=reflection.strip(),
        submitted_at=timezone.now(),
    )


@transaction.atomic
def practice_log_resubmit(
    *,
    log_id: int,
    user: User,
    date: dt.date,
    minutes: int,
    experienced_supporter: SupporterProfile,
    reflection: str,
) -> PracticeLog:
    """The trainee corrects a returned log and sends it again for review. The feedback stays visible."""
    log = (
        PracticeLog.objects.select_for_update()
        .select_related("enrolment__cohort", "enrolment__application")
        .get(pk=log_id, enrolment__application__user=user)
    )
    if log.status != PracticeLog.Status.RETURNED:
        raise TrainingError("Only a log that was returned to you can be changed.", code="bad_state")
    if log.enrolment.status != Enrolment.Status.ACTIVE:
        raise TrainingError("Practice hours can be logged only while you are in training.", code="not_active")
    _check_practice(
        date=date, minutes=minutes, experienced_supporter=experienced_supporter, enrolment=log.enrolment
    )
    if not reflection.strip():
        raise TrainingError("Write a few words of reflection.", code="reflection")
    log.date, log.minutes, log.experienced_supporter = date, minutes, experienced_supporter
    log.reflection = reflection.strip()
    log.status = PracticeLog.Status.SUBMITTED
    log.submitted_at = timezone.now()
    log.save()
    return log


@transaction.atomic
def practice_log_review(*, log_id: int, by: User, approve: bool, feedback: str = "") -> PracticeLog:
    """A supervisor approves a waiting log, or returns it with feedback (required) and the trainee is told
    by email. A log already reviewed is left as it is (a double click) unless it was sent again."""
    log = (
        PracticeLog.objects.select_for_update().select_related("enrolment__application__user").get(pk=log_id)
    )
    if log.status != PracticeLog.Status.SUBMITTED:
        raise TrainingError("This log has already been reviewed.", code="reviewed")
    if log.enrolment.application.user_id == by.pk:
        raise TrainingError("You can't review your own practice log.", code="own")
    feedback = feedback.strip()
    if not approve and not feedback:
        raise TrainingError("Say what should change, so the trainee can correct it.", code="feedback")
    log.reviewed_by, log.reviewed_at, log.feedback = by, timezone.now(), feedback
    if approve:
        log.status = PracticeLog.Status.APPROVED
    else:
        log.status = PracticeLog.Status.RETURNED
        log.times_returned += 1
    log.save()
    if not approve:
        emails.email_practice_returned(log)
    return log


def enrolment_complete(*, enrolment_id: int, by: User, name: str) -> Certificate:
    """A trainer completes a trainee whose requirements are met: issues the certificate (``name`` as it
    should print), marks the enrolment completed, and moves the application to onboarding. Locks the
    enrolment; a second call returns the certificate already issued. Emails after commit."""
    name = " ".join(name.split())
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update().select_related("cohort", "application").get(pk=enrolment_id)
        )
        existing = Certificate.objects.filter(enrolment=enrolment).first()
        if existing:
            return existing
        if enrolment.status != Enrolment.Status.ACTIVE:
            raise TrainingError("This trainee is not in training.", code="not_active")
        if not name:
            raise TrainingError("Enter the name as it should print on the certificate.", code="name")
        progress = enrolment_progress(enrolment=enrolment)
        if not progress.requirements_met:
            left = []
            if progress.training_left_minutes:
                left.append(f"{hours(progress.training_left_minutes)} training hours")
            if progress.practice_left_minutes:
                left.append(f"{hours(progress.practice_left_minutes)} approved practice hours")
            raise TrainingError(f"Not finished yet: {' and '.join(left)} still to go.", code="not_met")
        now = timezone.now()
        certificate = Certificate.objects.create(
            enrolment=enrolment, code=certificate_code(), name=name[:120], issued_at=now, issued_by=by
        )
        enrolment.status, enrolment.completed_at = Enrolment.Status.COMPLETED, now
        enrolment.save(update_fields=["status", "completed_at"])
        application_move(
            application_id=enrolment.application_id,
            to=Stage.ONBOARDING,
            by=by,
            note=f"Completed training with {enrolment.cohort.name}.",
            notify=False,  # the certificate email below says it (one email for one event)
        )
        emails.email_certificate_issued(certificate)
    return certificate


def certificate_find(*, code: str) -> Certificate | None:
    """The certificate with this code (as typed), or None."""
    normalised = normalise_code(code)
    if not normalised:
        return None
    return Certificate.objects.select_related("enrolment__cohort").filter(code=normalised).first()
