"""Reads of supervision: a supervisor's sessions, a supporter's log, and the monthly 1:1 compliance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from accounts.models import User
from supporters.models import SupporterProfile

from ..models import SupervisionAttendance, SupervisionSession
from ..months import month_bounds

REQUIRED_ONE_TO_ONE_MINUTES = 60


@dataclass(frozen=True)
class ComplianceRow:
    supporter: SupporterProfile
    minutes: int

    @property
    def met(self) -> bool:
        return self.minutes >= REQUIRED_ONE_TO_ONE_MINUTES

    @property
    def missing_minutes(self) -> int:
        return max(0, REQUIRED_ONE_TO_ONE_MINUTES - self.minutes)


def compliance_rows(*, month: dt.date) -> list[ComplianceRow]:
    """Every active supporter with the minutes of 1:1 supervision they attended in the Pacific month
    (held sessions only), those below the requirement first. One query."""
    start, end = month_bounds(month)
    attended = Q(
        supervision_attendances__attended=True,
        supervision_attendances__session__kind=SupervisionSession.Kind.ONE_TO_ONE,
        supervision_attendances__session__status=SupervisionSession.Status.HELD,
        supervision_attendances__session__starts_at__gte=start,
        supervision_attendances__session__starts_at__lt=end,
    )
    supporters = (
        SupporterProfile.objects.filter(status=SupporterProfile.Status.ACTIVE)
        .select_related("user")
        .annotate(
            one_to_one_minutes=Coalesce(Sum("supervision_attendances__session__minutes", filter=attended), 0)
        )
        .order_by("one_to_one_minutes", "display_name", "pk")
    )
    return [ComplianceRow(supporter=s, minutes=s.one_to_one_minutes) for s in supporters]


def session_list_for_supervisors(*, limit: int = 100) -> dict[str, list]:
    """Scheduled sessions (soonest first) and the latest recorded or cancelled ones, with their supporters,
    in a constant number of queries. Notes are not read here."""
    base = SupervisionSession.objects.select_related("supervisor").prefetch_related(
        Prefetch("attendances", queryset=SupervisionAttendance.objects.select_related("supporter"))
    )
    scheduled = base.filter(status=SupervisionSession.Status.SCHEDULED).order_by("starts_at", "pk")[:limit]
    recent = base.exclude(status=SupervisionSession.Status.SCHEDULED).order_by("-starts_at", "-pk")[:limit]
    return {"scheduled": list(scheduled), "recent": list(recent)}


def session_get(*, session_id: int) -> SupervisionSession:
    return (
        SupervisionSession.objects.select_related("supervisor")
        .prefetch_related(
            Prefetch("attendances", queryset=SupervisionAttendance.objects.select_related("supporter"))
        )
        .get(pk=session_id)
    )


def attendance_list_for_supporter(*, supporter: SupporterProfile) -> QuerySet[SupervisionAttendance]:
    """A supporter's own supervision log: sessions they were invited to (not cancelled), newest first.
    Callers show dates, kinds, durations and attendance: never the notes."""
    return (
        SupervisionAttendance.objects.filter(supporter=supporter)
        .exclude(session__status=SupervisionSession.Status.CANCELLED)
        .select_related("session")
        .only("attended", "session__kind", "session__starts_at", "session__minutes", "session__status")
        .order_by("-session__starts_at", "-pk")
    )


def supporter_choices() -> QuerySet[SupporterProfile]:
    return SupporterProfile.objects.filter(status=SupporterProfile.Status.ACTIVE).order_by(
        "display_name", "pk"
    )


def reads_are_theirs(*, session: SupervisionSession, user: User) -> bool:
    """A supervisor reading the notes of a session they lead is not logged; any other read is."""
    return session.supervisor_id == user.pk
