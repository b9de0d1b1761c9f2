"""Reads about gifts and credits. Token lookups hash first, so a raw token never reaches a query."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from seekers.models import SeekerProfile

from .models import MAX_SESSIONS, MIN_SESSIONS, Gift, GiftPrice, SessionCredit
from .tokens import token_hash_or_none


def gift_price_cents(*, sessions: int) -> int:
    """The price of a gift of ``sessions``: the staff's bundle price if set, else sessions × the price."""
    bundle = GiftPrice.objects.filter(sessions=sessions).values_list("total_cents", flat=True).first()
    return bundle if bundle is not None else sessions * settings.SESSION_PRICE_CENTS


def gift_price_list() -> list[tuple[int, int]]:
    """(sessions, total cents) for every size a gift can have, in one query."""
    bundles = dict(GiftPrice.objects.values_list("sessions", "total_cents"))
    return [
        (n, bundles.get(n, n * settings.SESSION_PRICE_CENTS)) for n in range(MIN_SESSIONS, MAX_SESSIONS + 1)
    ]


def gift_get_by_claim_token(*, token: str | None = None, token_hash: str | None = None) -> Gift | None:
    """The gift this claim link (its raw token, or the token's hash) opens, if it can still be claimed;
    else None: one answer for a wrong, truncated, claimed, refunded or unknown link."""
    hashed = token_hash if token is None else token_hash_or_none(token)
    if not hashed:
        return None
    return Gift.objects.filter(
        token_hash=hashed, status__in=[Gift.Status.PAID, Gift.Status.DELIVERED]
    ).first()


def gift_get_by_status_token(*, token: str | None) -> Gift | None:
    """The gift behind a buyer's status link, or None."""
    hashed = token_hash_or_none(token)
    if hashed is None:
        return None
    return Gift.objects.filter(status_token_hash=hashed).exclude(status=Gift.Status.PENDING_PAYMENT).first()


@dataclass(frozen=True)
class BuyerView:
    """All a buyer may learn about their gift: three milestones, no more (DESIGN §9)."""

    recipient_name: str
    scheduled_for: object  # a date, while the gift email waits for its delivery date
    delivered: bool
    claimed: bool
    all_used: bool
    refunded: bool


def gift_buyer_view(gift: Gift) -> BuyerView:
    refunded = gift.status == Gift.Status.REFUNDED
    delivered = gift.delivered_at is not None or gift.status == Gift.Status.CLAIMED
    return BuyerView(
        recipient_name=gift.recipient_name,
        scheduled_for=gift.delivery_date if not delivered and not refunded else None,
        delivered=delivered,
        claimed=gift.status == Gift.Status.CLAIMED,
        all_used=gift.all_used_notified_at is not None,
        refunded=refunded,
    )


def credits_available(*, seeker: SeekerProfile) -> int:
    """How many gift sessions the seeker can still book with."""
    return SessionCredit.objects.filter(seeker=seeker, status=SessionCredit.Status.AVAILABLE).count()


def credit_for_booking(*, booking_id: int) -> SessionCredit | None:
    """The credit that pays this booking (held or used), or None."""
    return SessionCredit.objects.filter(booking_id=booking_id).first()


def credit_gifts_for_seeker(*, seeker: SeekerProfile) -> QuerySet[Gift]:
    """The gifts a seeker claimed, each with counts of its credits by state, newest first (one query)."""
    S = SessionCredit.Status
    return (
        Gift.objects.filter(claimed_by=seeker)
        .annotate(
            n_available=Count("credits", filter=Q(credits__status=S.AVAILABLE)),
            n_held=Count("credits", filter=Q(credits__status=S.HELD)),
            n_used=Count("credits", filter=Q(credits__status=S.USED)),
        )
        .order_by("-claimed_at")
    )


def gift_get_by_public_id(*, public_id) -> Gift | None:
    return Gift.objects.filter(public_id=public_id).first()
