"""What safety holds about a person, for their export and their account's deletion (privacy.registry;
registered in SafetyConfig.ready()).

Safety plans: the seeker's export holds every version of their plan (number, when, who saved it, each
section's text); deleting the seeker's account deletes the plan and all its versions. A supporter who
saved versions of someone else's plan gets nothing from it in their own export (the plan is the
seeker's), and their deletion leaves those versions with the name they were saved under and no account.
"""

from __future__ import annotations

import datetime as dt

from privacy.registry import iso

from .models import SafetyPlanVersion
from .models.plans import PLAN_SECTIONS, STANDING_CONTACTS
from .services.plans import plans_erase_for_user


def export_plans(user) -> dict | None:
    versions = SafetyPlanVersion.objects.filter(plan__seeker__user=user).order_by("number")  # one query
    rows = [
        {
            "version": version.number,
            "saved_at": iso(version.created_at),
            "saved_by": "you"
            if version.author_role == SafetyPlanVersion.Role.SEEKER
            else version.author_name,
            "sections": {heading: version.sections[key] for key, heading, _help in PLAN_SECTIONS},
        }
        for version in versions
    ]
    if not rows:
        return None
    return {"always_on_the_plan": list(STANDING_CONTACTS), "versions": rows}


def erase(user, *, now: dt.datetime) -> None:
    plans_erase_for_user(user=user)
