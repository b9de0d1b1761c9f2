"""Scheduling and recording supervision: the one writer of ``SupervisionSession`` and its attendance,
and the monthly reminder to supporters under the 1:1 requirement."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from peersnet.errors import DomainError
from supporters.models import SupporterProfile

from ..emails import pay as emails
from ..models import PayStatement, SupervisionAttendance, SupervisionSession
from ..models.supervision import ONE_TO_ONE_MINUTES
from ..months import month_of, pacific_day, pacific_today
from ..selectors import supervision as selectors
from . import pay


class SupervisionError(DomainError):
    """A supervision rule said no (shown on the supervisor's page)."""


@transaction.atomic
def supervision_schedule(
    *,
    supervisor: User,
    kind: str,
    supporter_ids: list[int],
    starts_at: dt.datetime,
    minutes: int,
) -> SupervisionSession:
    """Schedule a 1:1 (exactly one supporter, 30 or 60 minutes) or a group session (one or more
    supporters). Past times are allowed: a supervisor may record a session after it happened."""
    supporter_ids = sorted(set(supporter_ids))
    if kind not in SupervisionSession.Kind.values:
        raise SupervisionError("Choose 1:1 or group supervision.")
    if kind == SupervisionSession.Kind.ONE_TO_ONE:
        if len(supporter_ids) != 1:
            raise SupervisionError("A 1:1 session is with exactly one supporter.")
        if minutes not in ONE_TO_ONE_MINUTES:
            raise SupervisionError("A 1:1 session lasts 30 or 60 minutes.")
    elif not supporter_ids:
        raise SupervisionError("Choose at least one supporter for the group.")
    if not 15 <= minutes <= 240:
        raise SupervisionError("A session lasts between 15 minutes and 4 hours.")
    supporters = list(SupporterProfile.objects.filter(pk__in=supporter_ids))
    if len(supporters) != len(supporter_ids):
        raise SupervisionError("One of the supporters could not be found.")
    session = SupervisionSession.objects.create(
        kind=kind, supervisor=supervisor, starts_at=starts_at, minutes=minutes
    )
    SupervisionAttendance.objects.bulk_create(
        [SupervisionAttendance(session=session, supporter=supporter) for supporter in supporters]
    )
    return session


def _refuse_if_paid(session: SupervisionSession, supporter_ids) -> None:
    month = month_of(pacific_day(session.starts_at))
    if PayStatement.objects.filter(supporter_id__in=supporter_ids, month=month).exists():
        raise SupervisionError(
            "Pay for that month is closed. Ask operations to add an adjustment to the next statement instead."
        )


@transaction.atomic
def supervision_record(
    *,
    session_id: int,
    supervisor: User,
    attended_supporter_ids: list[int],
    notes: str,
    now: dt.datetime | None = None,
) -> SupervisionSession:
    """Record a session as held: who attended and the private notes. Only the supervisor who leads it, once
    it has started; again later to correct it, until that month's pay statements exist. Locks the
    session row, then its supporters' rows (as statement generation does)."""
    now = now or timezone.now()
    session = SupervisionSession.objects.select_for_update().get(pk=session_id, supervisor=supervisor)
    if session.status == SupervisionSession.Status.CANCELLED:
        raise SupervisionError("This session was cancelled.")
    if session.starts_at > now:
        raise SupervisionError("A session can be recorded once it has started.")
    attendances = list(session.attendances.all())
    invited = {a.supporter_id for a in attendances}
    attended = set(attended_supporter_ids)
    if not attended <= invited:
        raise SupervisionError("Only supporters invited to this session can be marked as attending.")
    pay.lock_supporters(invited)  # no statement is being made for them while this lands
    _refuse_if_paid(session, invited)
    for attendance in attendances:
        value = attendance.supporter_id in attended
        if attendance.attended != value:
            attendance.attended = value
            attendance.save(update_fields=["attended"])
    session.status = SupervisionSession.Status.HELD
    session.notes = notes.strip()
    session.recorded_at = now
    session.save(update_fields=["status", "notes", "recorded_at", "updated_at"])
    return session


@transaction.atomic
def supervision_cancel(*, session_id: int, supervisor: User) -> SupervisionSession:
    """Cancel a scheduled session (a held one stays: correct its attendance instead). Safe to repeat."""
    session = SupervisionSession.objects.select_for_update().get(pk=session_id, supervisor=supervisor)
    if session.status == SupervisionSession.Status.CANCELLED:
        return session
    if session.status != SupervisionSession.Status.SCHEDULED:
        raise SupervisionError("A session already recorded can't be cancelled; correct who attended instead.")
    session.status = SupervisionSession.Status.CANCELLED
    session.save(update_fields=["status", "updated_at"])
    return session


def supervision_reminders_send(*, now: dt.datetime | None = None) -> int:
    """On the 20th (Pacific) and after, until the month ends: email every active supporter below the 1:1
    requirement this month. One outbox row per supporter and month (its key), so reruns send nothing
    new. Returns the number of supporters below the requirement. Does nothing before the 20th."""
    today = pacific_today(now)
    if today.day < 20:
        return 0
    month = month_of(today)
    below = [row for row in selectors.compliance_rows(month=month) if not row.met]
    with transaction.atomic():
        emails.email_supervision_reminder_many(rows=below, month=month)
    return len(below)
