"""Claiming a gift: its sessions become the claiming seeker's credits, once, by the link's token."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from seekers.models import SeekerProfile

from .. import emails
from ..models import Gift, SessionCredit, SessionCreditEvent
from ..tokens import token_hash_or_none
from .common import CStatus, GiftLinkInvalid, Status


@transaction.atomic
def gift_claim(
    *,
    seeker: SeekerProfile,
    token: str | None = None,
    token_hash: str | None = None,
    now: dt.datetime | None = None,
) -> Gift:
    """Bind a gift's sessions to the seeker, once, by the link's raw ``token`` or its ``token_hash`` (what
    the claim page keeps in the session, so the raw token isn't stored there either). The gift row is
    locked by the hash: of two accounts racing with one link, the second finds the link spent
    (GiftLinkInvalid, like any bad link). The claim link stops working."""
    now = now or timezone.now()
    hashed = token_hash if token is None else token_hash_or_none(token)
    gift = Gift.objects.select_for_update().filter(token_hash=hashed).first() if hashed else None
    if gift is None or not gift.is_claimable:
        raise GiftLinkInvalid()
    gift.status = Status.CLAIMED
    gift.claimed_at = now
    gift.claimed_by = seeker
    gift.token_hash = None
    gift.deliver_at = None
    gift.save(update_fields=["status", "claimed_at", "claimed_by", "token_hash", "deliver_at", "updated_at"])
    credits = list(SessionCredit.objects.filter(gift=gift, status=CStatus.AVAILABLE, seeker=None))
    SessionCredit.objects.filter(pk__in=[c.pk for c in credits]).update(seeker=seeker, updated_at=now)
    SessionCreditEvent.objects.bulk_create(
        [SessionCreditEvent(credit=c, kind=SessionCreditEvent.Kind.CLAIMED, at=now) for c in credits]
    )
    emails.email_claimed(gift)
    return gift
