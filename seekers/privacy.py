"""A seeker's profile and intake, for their export and their account's deletion (privacy.registry;
registered in SeekersConfig.ready()). Deletion removes the intake row altogether (answers, emergency
contact, sharing choices); the profile row stays, as bookings and payments point at it."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from privacy.registry import iso

from .models import Intake, SeekerProfile


def export_seeker(user: User) -> dict | None:
    profile = SeekerProfile.objects.filter(user=user).select_related("intake").first()
    if profile is None:
        return None
    intake = getattr(profile, "intake", None)
    return {
        "profile": {"created_at": iso(profile.created_at)},
        "intake": (
            {
                "preferred_name": intake.preferred_name,
                "pronouns": intake.pronouns,
                "hopes": intake.hopes,
                "emergency_contact_name": intake.emergency_contact_name,
                "emergency_contact_phone": intake.emergency_contact_phone,
                "share_preferred_name": intake.share_preferred_name,
                "share_pronouns": intake.share_pronouns,
                "share_hopes": intake.share_hopes,
                "completed_at": iso(intake.completed_at),
                "updated_at": iso(intake.updated_at),
            }
            if intake
            else None
        ),
    }


def erase(user: User, *, now: dt.datetime) -> None:
    Intake.objects.filter(seeker__user=user).delete()
