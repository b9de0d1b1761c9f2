"""Onboarding: opened when an application enters "onboarding", finished when staff activate the supporter.

Lock order: the onboarding row, then the supporter's profile (supporters' services), then the application
(``application_move``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from peersnet.errors import DomainError
from supporters import services as supporter_services

from .. import ethics
from ..emails.onboarding import email_onboarding_activated, email_onboarding_nudge
from ..models import Application, EthicsAcknowledgement, Onboarding
from ..selectors.onboarding import onboarding_missing
from ..stages import Stage


class OnboardingError(DomainError):
    """An onboarding step that can't be done now (the message says why, and what is missing)."""


def onboarding_begin(*, application: Application) -> Onboarding:
    """The application entered ``Stage.ONBOARDING``: open the person's supporter profile (status
    onboarding, not listed) if they have none, and their onboarding with its deadline. Runs inside
    ``application_move``'s transaction with the application locked. Safe to repeat (one per application)."""
    user = application.user
    supporter, _created = supporter_services.supporter_open_for_onboarding(
        user=user,
        display_name=user.first_name,  # never the email: the name is public once listed
    )
    now = timezone.now()
    onboarding, _created = Onboarding.objects.get_or_create(
        application=application,
        defaults={
            "supporter": supporter,
            "started_at": now,
            "due_at": now + dt.timedelta(days=settings.ONBOARDING_DAYS),
        },
    )
    return onboarding


@transaction.atomic
def ethics_acknowledge(*, user: User) -> EthicsAcknowledgement:
    """Record that ``user`` read the current code of ethics and will follow it (once per version)."""
    acknowledgement, _created = EthicsAcknowledgement.objects.get_or_create(
        user=user, version=ethics.VERSION, defaults={"acknowledged_at": timezone.now()}
    )
    return acknowledgement


@transaction.atomic
def onboarding_mark_orientation(*, onboarding_id: int, by: User) -> Onboarding:
    """Staff: the supporter attended an orientation session. Safe to repeat (the first mark stays)."""
    onboarding = Onboarding.objects.select_for_update().get(pk=onboarding_id)
    if onboarding.orientation_attended_at is None:
        onboarding.orientation_attended_at = timezone.now()
        onboarding.orientation_marked_by = by
        onboarding.save(update_fields=["orientation_attended_at", "orientation_marked_by"])
    return onboarding


@transaction.atomic
def onboarding_activate(*, onboarding_id: int, by: User) -> Onboarding:
    """Staff: the checklist is complete, so the supporter becomes active (listed) and the application
    moves to "onboarded"; the supporter gets a welcome email after commit. Refused, with the missing items
    named, while anything is open. Locks the onboarding row first. Safe to repeat."""
    from .hiring import application_move  # hiring imports this module for onboarding_begin

    onboarding = (
        Onboarding.objects.select_for_update()
        .select_related("supporter__user", "application")
        .get(pk=onboarding_id)
    )
    if onboarding.activated_at is not None:
        return onboarding
    if onboarding.application.stage != Stage.ONBOARDING:  # withdrawn or rejected meanwhile
        raise OnboardingError(
            f"This application is at “{onboarding.application.get_stage_display()}”, so "
            f"{onboarding.supporter.display_name} can't be activated.",
            code="bad_state",
        )
    missing = onboarding_missing(onboarding=onboarding)
    if missing:
        raise OnboardingError(
            f"{onboarding.supporter.display_name} can't be activated yet. Still open: "
            + "; ".join(item.label for item in missing)
            + ".",
            code="incomplete",
        )
    supporter_services.supporter_activate(supporter_id=onboarding.supporter_id)
    # The welcome email says it (one email for one event), not the generic stage update as well.
    application_move(application_id=onboarding.application_id, to=Stage.ONBOARDED, by=by, notify=False)
    onboarding.activated_at = timezone.now()
    onboarding.activated_by = by
    onboarding.save(update_fields=["activated_at", "activated_by"])
    email_onboarding_activated(onboarding)
    return onboarding


def onboarding_nudge_due(*, now: dt.datetime | None = None) -> int:
    """Beat: remind each supporter whose onboarding has run ``ONBOARDING_NUDGE_DAYS`` days without being
    activated of what is still open, once (``nudged_at``, and the outbox key). Rows are taken with
    ``skip_locked``, so two runs at once share the work instead of repeating it. Returns how many were
    nudged."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.ONBOARDING_NUDGE_DAYS)
    count = 0
    with transaction.atomic():
        due = list(
            Onboarding.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("supporter__user")
            .filter(activated_at__isnull=True, nudged_at__isnull=True, started_at__lte=cutoff)
            .order_by("pk")[:200]
        )
        for onboarding in due:
            onboarding.nudged_at = now
            onboarding.save(update_fields=["nudged_at"])
            missing = onboarding_missing(onboarding=onboarding, now=now)
            if missing:  # all done: the team activates them; nothing to ask of the supporter
                email_onboarding_nudge(onboarding, missing=[item.label for item in missing])
                count += 1
    return count
