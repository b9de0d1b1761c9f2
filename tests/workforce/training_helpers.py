"""Shared makers for the training tests: an application at "training", a cohort with live sessions, staff
with a role (and two-factor set, as staff pages require)."""

from __future__ import annotations

import datetime as dt

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.factories import StaffFactory, UserFactory
from workforce.models import Application, Cohort
from workforce.services import training
from workforce.services.hiring import application_submit
from workforce.stages import Stage


def application_at(stage: Stage = Stage.TRAINING, *, user=None, **user_kwargs) -> Application:
    """An application written straight at ``stage`` (the hiring moves are tested by workforce-hiring)."""
    application = application_submit(user=user or UserFactory(**user_kwargs), already_certified=False)
    Application.objects.filter(pk=application.pk).update(stage=stage)
    application.refresh_from_db()
    return application


def cohort(
    *, kickoff: dt.date | None = None, capacity: int = 10, sessions: int = 8, name: str = "", **kwargs
) -> Cohort:
    """A cohort whose course started a week ago (unless ``kickoff``), with weekly 90-minute live sessions."""
    kickoff = kickoff or timezone.localdate() - dt.timedelta(days=7)
    quarter = (kickoff.month - 1) // 3 + 1
    made = training.cohort_create(
        name=name or f"{kickoff.year} Q{quarter}",
        year=kickoff.year,
        quarter=quarter,
        applications_open=kickoff - dt.timedelta(days=60),
        registration_start=kickoff - dt.timedelta(days=30),
        kickoff=kickoff,
        capacity=capacity,
        **kwargs,
    )
    start = timezone.make_aware(dt.datetime.combine(kickoff, dt.time(17)))
    training.live_sessions_add_weekly(cohort=made, first_start=start, count=sessions)
    return made


def staff_with_role(role: str, **kwargs):
    user = StaffFactory(**kwargs)
    if role:
        user.groups.add(Group.objects.get(name=role))
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user
