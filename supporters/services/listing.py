"""Whether a supporter is working with us and listed: opening a profile for someone being onboarded,
activating it, and the credentials rule (a lapsed credential unlists; a renewal lists again).

workforce decides *when* (onboarding complete, a credential expired or renewed) and calls these; this
module only writes the profile's row and keeps the directory's cache right (``directory_changed``).
"""

import datetime as dt

from django.db import transaction

from accounts.models import User

from ..directory_cache import directory_changed
from ..models import SupporterProfile


@transaction.atomic
def supporter_open_for_onboarding(*, user: User, display_name: str) -> tuple[SupporterProfile, bool]:
    """The person's supporter profile, created at status "onboarding" (not listed) if they have none.
    Returns (profile, created). An existing profile is returned as it is, whatever its status."""
    profile, created = SupporterProfile.objects.get_or_create(
        user=user,
        defaults={
            "display_name": display_name.strip()[:80] or "New supporter",
            "time_zone": user.time_zone,
            "status": SupporterProfile.Status.ONBOARDING,
        },
    )
    return profile, created


@transaction.atomic
def supporter_activate(*, supporter_id: int) -> SupporterProfile:
    """onboarding → active: the supporter is listed from now on (unless on leave or a credential has
    lapsed). Locks the profile row. Safe to repeat."""
    supporter = SupporterProfile.objects.select_for_update().get(pk=supporter_id)
    if supporter.status != SupporterProfile.Status.ACTIVE:
        supporter.status = SupporterProfile.Status.ACTIVE
        supporter.save(update_fields=["status", "updated_at"])
        directory_changed(supporter_id=supporter.pk)
    return supporter


def supporter_credentials_lapse(*, supporter_id: int, at: dt.datetime) -> bool:
    """Unlist the supporter because a credential lapsed at ``at``. One conditional update: of two callers
    at once exactly one gets True (the other waits for the row and then finds it already lapsed). Call
    inside the caller's transaction; the directory's cache is dropped after commit too."""
    changed = SupporterProfile.objects.filter(pk=supporter_id, credentials_lapsed_at__isnull=True).update(
        credentials_lapsed_at=at
    )
    if changed:
        directory_changed(supporter_id=supporter_id)
    return bool(changed)


def supporter_credentials_restore(*, supporter_id: int) -> bool:
    """The lapsed credential was renewed: list the supporter again (if nothing else keeps them out).
    True when this call changed the row (a conditional update, as above)."""
    changed = SupporterProfile.objects.filter(pk=supporter_id, credentials_lapsed_at__isnull=False).update(
        credentials_lapsed_at=None
    )
    if changed:
        directory_changed(supporter_id=supporter_id)
    return bool(changed)
