"""Reads of safety plans, and who may see or write one.

Who may write a seeker's plan:

- the seeker themself;
- a **current supporter** of the seeker: a supporter with a booking with that seeker that is
  confirmed, completed or refunded (a completed session whose fee came back is still a session they
  had together) and that ends no more than ``settings.SAFETY_PLAN_CURRENT_DAYS`` (90) days ago. An
  upcoming confirmed session counts, so a plan can be started before the first session. Requests that
  were never accepted, cancellations and no-shows don't count.

Who may read it without writing: supervisors (staff in the supervisor role, and superusers), every read
written to the access log by the view. Nobody else learns that a plan exists: everyone else gets a 404.
Printing and the PDF are the seeker's only.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from django.conf import settings
from django.db.models import QuerySet

from bookings.models import Booking
from privacy.roles import is_supervisor
from seekers.models import SeekerProfile
from supporters.models import SupporterProfile

from .models import SafetyPlan, SafetyPlanVersion

# Booking statuses in which the two people count as working together.
CURRENT_STATUSES = (Booking.Status.CONFIRMED, Booking.Status.COMPLETED, Booking.Status.REFUNDED)


def current_days() -> int:
    return settings.SAFETY_PLAN_CURRENT_DAYS


class PlanAccess(StrEnum):
    SEEKER = "seeker"  # the plan's own seeker: writes, prints, downloads
    SUPPORTER = "supporter"  # a current supporter: writes
    SUPERVISOR = "supervisor"  # reads only; every read logged


def supporter_is_current(*, supporter: SupporterProfile, seeker: SeekerProfile, now: dt.datetime) -> bool:
    """Does ``supporter`` have a counting booking with ``seeker`` (module docstring)? One query."""
    return Booking.objects.filter(
        supporter=supporter,
        seeker=seeker,
        status__in=CURRENT_STATUSES,
        end__gte=now - dt.timedelta(days=current_days()),
    ).exists()


def plan_access(*, user, seeker: SeekerProfile, now: dt.datetime) -> PlanAccess | None:
    """What ``user`` may do with ``seeker``'s plan, or None (the caller answers 404)."""
    if not (user.is_authenticated and user.is_active):
        return None
    if seeker.user_id == user.pk:
        return PlanAccess.SEEKER
    supporter = SupporterProfile.objects.filter(user=user).first()
    if supporter is not None and supporter_is_current(supporter=supporter, seeker=seeker, now=now):
        return PlanAccess.SUPPORTER
    if is_supervisor(user):
        return PlanAccess.SUPERVISOR
    return None


def plan_get(*, seeker: SeekerProfile) -> SafetyPlan | None:
    return SafetyPlan.objects.filter(seeker=seeker).first()


def plan_version_latest(*, plan: SafetyPlan | None) -> SafetyPlanVersion | None:
    if plan is None or plan.version == 0:
        return None
    return plan_version_get(plan=plan, number=plan.version)


def plan_version_get(*, plan: SafetyPlan, number: int) -> SafetyPlanVersion | None:
    return SafetyPlanVersion.objects.filter(plan=plan, number=number).select_related("author").first()


def plan_version_list(*, plan: SafetyPlan | None) -> QuerySet[SafetyPlanVersion]:
    """Every version, newest first, without the (encrypted) contents: one query."""
    if plan is None:
        return SafetyPlanVersion.objects.none()
    return SafetyPlanVersion.objects.filter(plan=plan).defer("contents").order_by("-number")


def seeker_get(*, seeker_id: int) -> SeekerProfile | None:
    return SeekerProfile.objects.select_related("user").filter(pk=seeker_id).first()
