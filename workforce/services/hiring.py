"""Moving an application along the hiring path: the one writer of ``Application.stage``."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from peersnet.errors import DomainError

from ..models import Application, ApplicationEvent
from ..stages import Stage, can_move
from .onboarding import onboarding_begin


class StageMoveRefused(DomainError):
    """The move is not allowed from the application's current stage (shown to the person who tried)."""


def application_submit(*, user: User, already_certified: bool) -> Application:
    """Open an application at "submitted" (one per person)."""
    now = timezone.now()
    with transaction.atomic():
        application = Application.objects.create(
            user=user, already_certified=already_certified, stage=Stage.SUBMITTED, stage_changed_at=now
        )
        ApplicationEvent.objects.create(
            application=application, from_stage=Stage.SUBMITTED, to_stage=Stage.SUBMITTED, by=user, at=now
        )
    return application


def application_move(*, application_id: int, to: Stage, by: User | None, note: str = "") -> Application:
    """Move one step forward, or to rejected/withdrawn, under a row lock; refuse anything else."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application_id)
        if not can_move(application.stage, to, already_certified=application.already_certified):
            raise StageMoveRefused(
                f"This application is at “{application.get_stage_display()}” "
                f"and cannot move to “{Stage(to).label}”."
            )
        now = timezone.now()
        ApplicationEvent.objects.create(
            application=application, from_stage=application.stage, to_stage=to, by=by, note=note, at=now
        )
        application.stage = to
        application.stage_changed_at = now
        application.save(update_fields=["stage", "stage_changed_at", "updated_at"])
        if to == Stage.ONBOARDING:
            onboarding_begin(application=application)
    return application
