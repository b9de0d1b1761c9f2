"""Reads for training cohorts: the schedule, a trainee's progress, a cohort's roster with totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Application, Attendance, Cohort, CourseworkHours, Enrolment, LiveSession, PracticeLog
from ..stages import Stage


@dataclass(frozen=True)
class Progress:
    """Where a trainee stands against their cohort's requirements. Minutes throughout; hours for show."""

    live_minutes: int
    coursework_minutes: int
    sessions_attended: int
    sessions_held: int
    sessions_total: int
    practice_approved_minutes: int
    practice_pending_minutes: int
    practice_returned_count: int
    total_required_minutes: int
    practice_required_minutes: int

    @property
    def training_minutes(self) -> int:
        return self.live_minutes + self.coursework_minutes

    @property
    def training_left_minutes(self) -> int:
        return max(0, self.total_required_minutes - self.training_minutes)

    @property
    def practice_left_minutes(self) -> int:
        return max(0, self.practice_required_minutes - self.practice_approved_minutes)

    @property
    def requirements_met(self) -> bool:
        return self.training_left_minutes == 0 and self.practice_left_minutes == 0

    @property
    def percent(self) -> int:
        """Both requirements together, capped per requirement so extra hours of one don't hide the other."""
        required = self.total_required_minutes + self.practice_required_minutes
        if not required:
            return 100
        done = min(self.training_minutes, self.total_required_minutes) + min(
            self.practice_approved_minutes, self.practice_required_minutes
        )
        return done * 100 // required


def hours(minutes: int) -> str:
    """90 -> "1.5", 120 -> "2" (for pages and PDFs)."""
    value = round(minutes / 60, 1)
    return f"{value:g}"


def cohort_list_schedule(*, today: dt.date, days: int = 366) -> QuerySet[Cohort]:
    """The cohorts whose course has not started yet, or whose applications open within ``days`` of
    ``today``: the coming year's schedule, in date order."""
    return Cohort.objects.filter(kickoff__gte=today, applications_open__lte=today + dt.timedelta(days=days))


def cohort_list_for_staff() -> QuerySet[Cohort]:
    """Every cohort with its number of enrolled people (active or completed), newest first."""
    return Cohort.objects.annotate(
        enrolled=Count("enrolments", filter=~Q(enrolments__status=Enrolment.Status.WITHDRAWN))
    ).order_by("-kickoff")


def cohort_places_taken(*, cohort: Cohort) -> int:
    return cohort.enrolments.exclude(status=Enrolment.Status.WITHDRAWN).count()


def enrolment_current_for_user(*, user) -> Enrolment | None:
    """The user's active enrolment, else their latest completed one (the one with a certificate)."""
    enrolments = Enrolment.objects.filter(application__user=user).select_related("cohort", "application")
    return (
        enrolments.filter(status=Enrolment.Status.ACTIVE).first()
        or enrolments.filter(status=Enrolment.Status.COMPLETED).order_by("-completed_at").first()
    )


def applications_ready_to_enrol() -> QuerySet[Application]:
    """Applications at "training" without an active or completed enrolment."""
    taken = Enrolment.objects.filter(application=OuterRef("pk")).exclude(status=Enrolment.Status.WITHDRAWN)
    return (
        Application.objects.filter(stage=Stage.TRAINING)
        .exclude(Exists(taken))
        .select_related("user")
        .order_by("stage_changed_at")
    )


def _minutes(queryset, field: str) -> Subquery:
    return Coalesce(
        Subquery(queryset.values("enrolment").annotate(total=Sum(field)).values("total")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def enrolment_list_with_totals(*, cohort: Cohort) -> QuerySet[Enrolment]:
    """The cohort's roster, each row annotated with its totals in one query (no N+1)."""
    attended = Attendance.objects.filter(enrolment=OuterRef("pk"), present=True)
    coursework = CourseworkHours.objects.filter(enrolment=OuterRef("pk"))
    approved = PracticeLog.objects.filter(enrolment=OuterRef("pk"), status=PracticeLog.Status.APPROVED)
    waiting = PracticeLog.objects.filter(enrolment=OuterRef("pk"), status=PracticeLog.Status.SUBMITTED)
    return (
        cohort.enrolments.exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("application__user", "certificate")
        .annotate(
            live_minutes=_minutes(attended, "session__duration_minutes"),
            coursework_minutes=_minutes(coursework, "minutes"),
            practice_approved_minutes=_minutes(approved, "minutes"),
            practice_waiting=Coalesce(
                Subquery(waiting.values("enrolment").annotate(n=Count("pk")).values("n")[:1]),
                Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("application__user__first_name", "pk")
    )


def enrolment_progress(*, enrolment: Enrolment, now: dt.datetime | None = None) -> Progress:
    """The trainee's totals against their cohort's requirements, in a handful of queries."""
    now = now or timezone.now()
    cohort = enrolment.cohort
    live = Attendance.objects.filter(enrolment=enrolment, present=True).aggregate(
        minutes=Coalesce(Sum("session__duration_minutes"), 0), count=Count("pk")
    )
    coursework = CourseworkHours.objects.filter(enrolment=enrolment).aggregate(m=Coalesce(Sum("minutes"), 0))
    practice = PracticeLog.objects.filter(enrolment=enrolment).aggregate(
        approved=Coalesce(Sum("minutes", filter=Q(status=PracticeLog.Status.APPROVED)), 0),
        pending=Coalesce(Sum("minutes", filter=Q(status=PracticeLog.Status.SUBMITTED)), 0),
        returned=Count("pk", filter=Q(status=PracticeLog.Status.RETURNED)),
    )
    sessions = LiveSession.objects.filter(cohort=cohort).aggregate(
        total=Count("pk"), held=Count("pk", filter=Q(start__lte=now))
    )
    return Progress(
        live_minutes=live["minutes"],
        coursework_minutes=coursework["m"],
        sessions_attended=live["count"],
        sessions_held=sessions["held"],
        sessions_total=sessions["total"],
        practice_approved_minutes=practice["approved"],
        practice_pending_minutes=practice["pending"],
        practice_returned_count=practice["returned"],
        total_required_minutes=cohort.total_hours_required * 60,
        practice_required_minutes=cohort.practice_hours_required * 60,
    )


def practice_list_waiting() -> QuerySet[PracticeLog]:
    """Practice logs waiting for a supervisor, oldest first."""
    return (
        PracticeLog.objects.filter(status=PracticeLog.Status.SUBMITTED)
        .select_related("enrolment__application__user", "enrolment__cohort", "experienced_supporter")
        .order_by("submitted_at", "pk")
    )
