"""Gifts a person received, for their export and their account's deletion (privacy.registry; registered
in GiftcardsConfig.ready()). The buyer's own details stay: they belong to the buyer, who has no account
here and may still need a receipt or a refund. The recipient's name, address and the message written to
them are erased; their credits stay (anonymised with the person) so the ledger still adds up."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from accounts.models import User
from notifications.services import ERASED_DOMAIN
from privacy.registry import iso

from .models import Gift, SessionCredit


def export_gifts_received(user: User) -> list:
    gifts = (
        Gift.objects.filter(claimed_by__user=user).prefetch_related("credits").order_by("claimed_at", "pk")
    )
    return [
        {
            "from": gift.from_name,
            "message": gift.message,
            "sessions": gift.sessions,
            "claimed_at": iso(gift.claimed_at),
            "sessions_by_status": dict(
                Counter(
                    str(SessionCredit.Status(c.status).label)
                    for c in gift.credits.all()
                    if c.seeker_id is not None
                )
            ),
        }
        for gift in gifts
    ]


def erase(user: User, *, now: dt.datetime) -> None:
    """Erase the recipient's details of every gift the person claimed."""
    Gift.objects.filter(claimed_by__user=user).update(
        recipient_name="", recipient_email=f"recipient@{ERASED_DOMAIN}", message=""
    )
