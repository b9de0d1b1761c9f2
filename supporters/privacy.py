"""A supporter's profile, for their export and their account's deletion (privacy.registry; registered
in SupportersConfig.ready()). Deletion is staff-assisted (the user admin). The profile is unlisted and
erased: name, pronouns, intro, story, tags, photos, weekly hours and notes; open slots are taken off offer.
The row stays (as "Former supporter") because past bookings and pay point at it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import User
from privacy.registry import iso

from .models import AvailabilityRule, SupporterProfile, TimeOff
from .services import slots_regenerate
from .services.profile import PHOTO_FIELDS, _photos_delete

FORMER_NAME = "Former supporter"


def export_supporter(user: User) -> dict | None:
    profile = SupporterProfile.objects.filter(user=user).prefetch_related("tags").first()
    if profile is None:
        return None
    return {
        "display_name": profile.display_name,
        "pronouns": profile.pronouns,
        "intro": profile.intro,
        "story": profile.story,
        "tags": [f"{tag.get_kind_display()}: {tag.name}" for tag in profile.tags.all()],
        "time_zone": profile.time_zone,
        "status": profile.get_status_display(),
        "hourly_pay_cents": profile.hourly_pay_cents,
        "weekly_hours": [str(rule) for rule in profile.rules.all()],
        "time_off": [
            {"from": iso(t.start_date), "to": iso(t.end_date), "note": t.note} for t in profile.time_off.all()
        ],
        "leaves": [
            {"from": iso(leave.start_date), "to": iso(leave.end_date)} for leave in profile.leaves.all()
        ],
        "created_at": iso(profile.created_at),
    }


def erase(user: User, *, now: dt.datetime) -> None:
    """Unlist and erase the profile, take its open slots off offer, delete its photos after commit. Runs
    after bookings cancelled the supporter's upcoming sessions. Locks the supporter row."""
    profile = SupporterProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        return
    photos = [getattr(profile, name).name for name in PHOTO_FIELDS if getattr(profile, name)]
    profile.status = SupporterProfile.Status.INACTIVE
    profile.display_name = FORMER_NAME
    profile.pronouns = profile.intro = profile.story = ""
    for name in PHOTO_FIELDS:
        setattr(profile, name, "")
    profile.save()
    profile.tags.clear()
    AvailabilityRule.objects.filter(supporter=profile).delete()
    TimeOff.objects.filter(supporter=profile).update(note="")
    slots_regenerate(supporter_id=profile.pk, now=now)  # no rules left: every open slot goes
    if photos:
        transaction.on_commit(lambda: _photos_delete(photos))
