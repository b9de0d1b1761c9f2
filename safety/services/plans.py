"""Writing safety plans: every save adds a version; nothing is ever changed in place.

``plan_save`` is the one writer. It takes the plan row's lock, refuses a save whose ``base_version``
isn't the newest (someone else saved meanwhile: ``PlanConflict`` carries their version so the page can
show it), skips a save that changes nothing, and otherwise writes version ``n + 1``. When a supporter
saves, the seeker gets one email (through the outbox, one per version) saying only that their account
has something new.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from notifications.services import Email, notification_queue
from peersnet.errors import DomainError
from seekers.models import SeekerProfile

from ..models import SafetyPlan, SafetyPlanVersion
from ..models.plans import SECTION_KEYS, encode_contents

SECTION_MAX_LENGTH = 2000


class PlanError(DomainError):
    pass


class PlanConflict(PlanError):
    """The plan has a newer version than the one the writer started from."""

    def __init__(self, message: str, *, newer: SafetyPlanVersion) -> None:
        super().__init__(message, code="conflict")
        self.newer = newer


class PlanUnchanged(PlanError):
    pass


def _clean(sections: dict[str, str]) -> dict[str, str]:
    cleaned = {}
    for key in SECTION_KEYS:
        value = sections.get(key, "")
        if not isinstance(value, str):
            raise PlanError("Something in the plan could not be read. Please try again.", code="invalid")
        lines = [line.rstrip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        text = "\n".join(lines).strip("\n")
        if len(text) > SECTION_MAX_LENGTH:
            raise PlanError(
                f"Each part of the plan can hold up to {SECTION_MAX_LENGTH} characters.", code="too_long"
            )
        cleaned[key] = text
    unknown = set(sections) - set(SECTION_KEYS)
    if unknown:
        raise PlanError("Something in the plan could not be read. Please try again.", code="invalid")
    return cleaned


@transaction.atomic
def plan_save(
    *,
    seeker: SeekerProfile,
    author: User,
    author_role: str,
    sections: dict[str, str],
    base_version: int,
    now: dt.datetime,
) -> SafetyPlanVersion:
    """Save ``sections`` as the next version of ``seeker``'s plan (made on the first save).

    Preconditions: the caller has checked that ``author`` may write this plan (plans_selectors.
    plan_access) and passes the role it found. Locks the plan row. Raises ``PlanConflict`` if
    ``base_version`` isn't the newest version, ``PlanUnchanged`` if the text equals the newest
    version's, ``PlanError`` for text that is too long. After commit, when a supporter saved, one email
    to the seeker (no contents)."""
    if author_role not in SafetyPlanVersion.Role.values:
        raise PlanError("Only the seeker and their supporters can change this plan.", code="not_allowed")
    cleaned = _clean(sections)
    SafetyPlan.objects.get_or_create(seeker=seeker)
    plan = SafetyPlan.objects.select_for_update().get(seeker=seeker)
    newest = (
        SafetyPlanVersion.objects.filter(plan=plan, number=plan.version).select_related("author").first()
        if plan.version
        else None
    )
    if base_version != plan.version:
        if base_version > plan.version or newest is None:  # not a version this plan ever had
            raise PlanError("This plan has changed. Please open it again.", code="stale")
        who = "You" if newest.author_id == author.pk else newest.author_name
        where = " in another window" if who == "You" else ""
        raise PlanConflict(
            f"{who} saved a newer version of this plan{where} while you were editing. Nothing of yours "
            "was saved yet: the newer version is shown below and your text is still in the form. Bring in "
            "anything from it you want to keep, then save again.",
            newer=newest,
        )
    if newest is not None and newest.sections == cleaned:
        raise PlanUnchanged("Nothing was changed, so there is no new version.", code="unchanged")
    if newest is None and not any(cleaned.values()):
        raise PlanUnchanged("The plan is still empty: write something in at least one part.", code="empty")
    version = SafetyPlanVersion.objects.create(
        plan=plan,
        number=plan.version + 1,
        author=author,
        author_role=author_role,
        author_name=_author_name(author, author_role),
        created_at=now,
        contents=encode_contents(cleaned),
    )
    plan.version = version.number
    plan.updated_at = now
    plan.save(update_fields=["version", "updated_at"])
    if author_role == SafetyPlanVersion.Role.SUPPORTER:
        _email_updated_by_supporter(version, seeker)
    return version


def _author_name(author: User, role: str) -> str:
    if role == SafetyPlanVersion.Role.SUPPORTER and hasattr(author, "supporter"):
        return author.supporter.display_name[:150]
    return (author.get_short_name() or "You")[:150]


def _email_updated_by_supporter(version: SafetyPlanVersion, seeker: SeekerProfile) -> None:
    """To the seeker: something in their account changed. No contents, and a subject that says nothing
    about what (an email can be read over a shoulder). One outbox row per version."""
    user = seeker.user
    subject = "Something new in your peersnet account"
    notification_queue(
        Email(
            key=f"safety-plan-version-{version.pk}",
            to=user.email,
            subject=subject,
            template="email/notice",
            context={
                "subject": subject,
                "name": user.get_short_name(),
                "lines": [
                    "Your supporter saved a change to one of your pages on peersnet.",
                    "Sign in to see it. Every earlier version is kept, and you can change it back.",
                ],
                "action_label": "Open peersnet",
                "action_url": settings.SITE_URL + reverse("safety:my_plan"),
            },
        )
    )


def plans_erase_for_user(*, user: User) -> int:
    """Delete the plan of the seeker whose account this is, with every version (their account is being
    deleted; runs in the deletion's transaction). Returns how many versions were deleted."""
    _total, per_model = SafetyPlan.objects.filter(seeker__user=user).delete()
    return per_model.get(SafetyPlanVersion._meta.label, 0)
