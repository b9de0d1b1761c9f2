"""What the waitlist holds about a person, for their export and their account's deletion
(privacy.registry; registered in WaitlistConfig.ready()). Deletion takes them off every list (a time
held for them goes to the next in line at once, as when they leave) and removes their entries."""

from __future__ import annotations

import datetime as dt

from privacy.registry import iso

from .models import WaitlistEntry, WaitlistOffer
from .services import waitlist_leave


def export(user) -> list[dict]:
    entries = (
        WaitlistEntry.objects.filter(seeker__user=user).select_related("supporter").order_by("created_at")
    )
    offers = (
        WaitlistOffer.objects.filter(entry__seeker__user=user).select_related("slot").order_by("offered_at")
    )
    by_entry: dict[int, list[dict]] = {}
    for offer in offers.order_by("offered_at"):
        by_entry.setdefault(offer.entry_id, []).append(
            {
                "time_offered": iso(offer.slot.start),
                "offered_at": iso(offer.offered_at),
                "held_until": iso(offer.expires_at),
                "status": offer.status,
            }
        )
    return [
        {
            "supporter": entry.supporter.display_name,
            "days": entry.days,
            "from_hour": entry.from_hour,
            "until_hour": entry.until_hour,
            "time_zone": entry.time_zone,
            "status": entry.status,
            "joined_at": iso(entry.created_at),
            "ended_at": iso(entry.ended_at),
            "times_offered": by_entry.get(entry.pk, []),
        }
        for entry in entries.order_by("created_at")
    ]


def erase(user, *, now: dt.datetime) -> None:
    waiting = WaitlistEntry.objects.filter(seeker__user=user, status=WaitlistEntry.Status.WAITING)
    for entry_id in waiting.values_list("pk", flat=True):
        waitlist_leave(entry_id=entry_id, now=now)
    WaitlistOffer.objects.filter(entry__seeker__user=user).delete()
    WaitlistEntry.objects.filter(seeker__user=user).delete()
