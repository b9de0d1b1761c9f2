"""Reads for onboarding: the checklist, computed from the data each item is about."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from supporters.models import SupporterProfile
from supporters.selectors import supporter_weekly_hours

from .. import ethics
from ..models import EthicsAcknowledgement, Onboarding


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    detail: str  # what is missing or how it is done, for the supporter and for staff
    url_name: str = ""  # where the supporter does it ("" when staff do it)


def onboarding_get_for_user(*, user) -> Onboarding | None:
    """The person's own onboarding (None when they have none)."""
    return (
        Onboarding.objects.select_related("supporter", "supporter__user", "application")
        .filter(supporter__user=user)
        .first()
    )


def onboarding_list_open() -> QuerySet[Onboarding]:
    """Onboardings not yet activated, due first."""
    return Onboarding.objects.filter(activated_at__isnull=True).select_related("supporter").order_by("due_at")


def _hours_item(supporter: SupporterProfile, now: dt.datetime) -> ChecklistItem:
    minimum = settings.SUPPORTER_MIN_WEEKLY_HOURS
    # The supporters' own check (their availability page): the current week only counts what is left of
    # it, so the full weeks ahead are what must reach the minimum.
    weeks = supporter_weekly_hours(supporter=supporter, now=now)[1:]
    lowest = min(week.hours for week in weeks)
    done = lowest >= minimum
    detail = (
        f"You offer at least {minimum} hours in each of the coming weeks."
        if done
        else f"Your weekly hours give {lowest} hours in your quietest coming week; {minimum} are needed."
    )
    return ChecklistItem(
        "hours", f"Weekly hours: at least {minimum}", done, detail, "supporters:manage_availability"
    )


def onboarding_checklist(*, onboarding: Onboarding, now: dt.datetime | None = None) -> list[ChecklistItem]:
    """Each item of the checklist, done or not, read from the data itself (a handful of queries)."""
    now = now or timezone.now()
    supporter = onboarding.supporter
    user = supporter.user
    written = all(value.strip() for value in (supporter.display_name, supporter.intro, supporter.story))
    acknowledged = EthicsAcknowledgement.objects.filter(user=user, version=ethics.VERSION).exists()
    return [
        ChecklistItem(
            "profile",
            "Profile written",
            written,
            "Your display name, short intro and story are written."
            if written
            else "Add a display name, a short intro and your story.",
            "supporters:manage_profile",
        ),
        ChecklistItem(
            "photo",
            "Photo uploaded",
            bool(supporter.photo_small),
            "Your photo is on your profile." if supporter.photo_small else "Add a photo of yourself.",
            "supporters:manage_profile",
        ),
        _hours_item(supporter, now),
        ChecklistItem(
            "mfa",
            "Two-factor authentication set",
            is_mfa_enabled(user),
            "Your account asks for a code from your authenticator app when you sign in."
            if is_mfa_enabled(user)
            else "Set up an authenticator app for signing in.",
            "mfa_activate_totp",
        ),
        ChecklistItem(
            "orientation",
            "Orientation session attended",
            onboarding.orientation_attended_at is not None,
            "The team recorded your orientation session."
            if onboarding.orientation_attended_at
            else "The team will invite you to an orientation session and mark it here once you've attended.",
        ),
        ChecklistItem(
            "ethics",
            "Code of ethics acknowledged",
            acknowledged,
            "You read and acknowledged our code of ethics."
            if acknowledged
            else "Read our code of ethics and acknowledge it.",
            "workforce:onboarding_ethics",
        ),
    ]


def onboarding_missing(*, onboarding: Onboarding, now: dt.datetime | None = None) -> list[ChecklistItem]:
    return [item for item in onboarding_checklist(onboarding=onboarding, now=now) if not item.done]
