"""The hiring path as data: the stages an application moves through and which moves are allowed.

Pure: no database. ``workforce.services.hiring.application_move`` is the only writer of a stage and
asks ``can_move`` first.

    submitted → peer_session → video → interview → offer → consent → cleared
        → training → onboarding → onboarded        (trained here)
        → onboarding → onboarded                   (already certified: orientation instead of training)
    any open stage → rejected (by staff) or withdrawn (by the applicant)
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    SUBMITTED = "submitted", _("Application received")
    PEER_SESSION = "peer_session", _("Free peer support session completed")
    VIDEO = "video", _("Recorded video interview submitted")
    INTERVIEW = "interview", _("One-to-one interview")
    OFFER = "offer", _("Contract offered")
    CONSENT = "consent", _("Background check consent given")
    CLEARED = "cleared", _("Background check cleared")
    TRAINING = "training", _("Training")
    ONBOARDING = "onboarding", _("Onboarding")
    ONBOARDED = "onboarded", _("Onboarded")
    REJECTED = "rejected", _("Not going ahead")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The forward path, in order. An already-certified applicant goes from CLEARED straight to ONBOARDING.
PATH: tuple[Stage, ...] = (
    Stage.SUBMITTED,
    Stage.PEER_SESSION,
    Stage.VIDEO,
    Stage.INTERVIEW,
    Stage.OFFER,
    Stage.CONSENT,
    Stage.CLEARED,
    Stage.TRAINING,
    Stage.ONBOARDING,
    Stage.ONBOARDED,
)
CLOSED: frozenset[Stage] = frozenset({Stage.ONBOARDED, Stage.REJECTED, Stage.WITHDRAWN})
OPEN: tuple[Stage, ...] = tuple(stage for stage in PATH if stage not in CLOSED)


def next_stage(stage: str, *, already_certified: bool) -> Stage | None:
    """The one forward move from ``stage``, or None at the end or when closed."""
    if stage in CLOSED:
        return None
    if stage == Stage.CLEARED and already_certified:
        return Stage.ONBOARDING
    index = PATH.index(Stage(stage))
    return PATH[index + 1] if index + 1 < len(PATH) else None


def can_move(stage: str, to: str, *, already_certified: bool) -> bool:
    """Forward one step, or out (rejected, withdrawn) from any open stage. Never backwards, never from a
    closed stage."""
    if stage in CLOSED:
        return False
    if to in (Stage.REJECTED, Stage.WITHDRAWN):
        return True
    return next_stage(stage, already_certified=already_certified) == to


def progress(stage: str, *, already_certified: bool) -> list[tuple[Stage, str]]:
    """The applicant's path with each step marked "done", "current" or "todo" (for the progress page)."""
    steps = [s for s in PATH if not (already_certified and s == Stage.TRAINING)]
    if stage in (Stage.REJECTED, Stage.WITHDRAWN):
        return [(s, "todo") for s in steps]
    current = steps.index(Stage(stage))
    return [
        (s, "done" if i < current else "current" if i == current else "todo") for i, s in enumerate(steps)
    ]
