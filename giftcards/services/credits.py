"""Session credits, the contract with bookings. giftcards knows nothing of sessions: bookings decides
the money outcome of a booking and hands it here by calling one of these, with the booking's id.

- ``credit_take`` when the supporter accepts a booking the seeker pays with a gift: one available credit
  becomes *held* by that booking. Idempotent per booking.
- ``credit_return`` when the outcome is "refund in full" (the fee would have been refunded): the credit is
  *available* again. Idempotent: the second call finds no credit on the booking.
- ``credit_settle`` when the outcome is "keep the fee": the credit is *used*. When every credit of a gift
  is used, the buyer gets one short email. A used credit can still come back (the money-back guarantee
  returns it); the buyer's email is never sent twice.

Each is called inside the booking's transaction, with the booking row locked by the caller (the lock
order of bookings: booking, then what hangs off it).
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from seekers.models import SeekerProfile

from .. import emails
from ..models import Gift, SessionCredit, SessionCreditEvent
from .common import CreditError, CStatus, Status


def _event(credit: SessionCredit, kind: str, booking_id: int, at: dt.datetime) -> None:
    SessionCreditEvent.objects.create(credit=credit, kind=kind, booking_id=booking_id, at=at)


@transaction.atomic
def credit_take(
    *, seeker: SeekerProfile, booking_id: int, now: dt.datetime | None = None
) -> SessionCredit | None:
    """Take one of the seeker's available credits for this booking (call it inside the booking's accept
    transaction, booking row locked). Returns the credit, now *held* by the booking; the same credit again
    for a booking that already holds one; None when the seeker has none left.

    A credit is taken by a conditional UPDATE of one available row, picked with
    ``SELECT … FOR UPDATE SKIP LOCKED`` so parallel bookings take different credits or none (never the
    same one twice, never more than there are); a booking holds at most one credit (unique constraint:
    of two calls for one booking racing, the second finds the first's credit)."""
    now = now or timezone.now()
    # The booking must be this seeker's, and calls for one booking queue up behind its row lock (the
    # accept transaction normally holds it already: lock order booking, then credit). Reached through
    # the credit's foreign key: giftcards imports nothing of bookings.
    bookings = SessionCredit._meta.get_field("booking").related_model.objects
    if (
        bookings.select_for_update().filter(pk=booking_id, seeker=seeker).values_list("pk", flat=True).first()
        is None
    ):
        raise CreditError("This booking isn't this seeker's.", code="not_yours")
    existing = SessionCredit.objects.select_for_update().filter(booking_id=booking_id).first()
    if existing is not None:
        return existing
    for _ in range(5):
        candidate = (
            SessionCredit.objects.select_for_update(skip_locked=True)
            .filter(seeker=seeker, status=CStatus.AVAILABLE)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if candidate is None:
            return None
        try:
            with transaction.atomic():
                taken = SessionCredit.objects.filter(
                    pk=candidate, status=CStatus.AVAILABLE, seeker=seeker
                ).update(
                    status=CStatus.HELD, booking_id=booking_id, taken_at=now, used_at=None, updated_at=now
                )
        except IntegrityError:  # another call took a credit for this very booking meanwhile
            return SessionCredit.objects.get(booking_id=booking_id)
        if taken:
            credit = SessionCredit.objects.get(pk=candidate)
            _event(credit, SessionCreditEvent.Kind.TAKEN, booking_id, now)
            return credit
    return None


@transaction.atomic
def credit_return(*, booking_id: int, now: dt.datetime | None = None) -> SessionCredit | None:
    """The booking's outcome is a full refund: its credit (held, or used and now refunded by the
    guarantee) is available to the seeker again. Returns that credit; None when the booking holds no
    credit (it never had one, or it was already returned: a repeat call changes nothing)."""
    now = now or timezone.now()
    credit = SessionCredit.objects.select_for_update().filter(booking_id=booking_id).first()
    if credit is None:
        return None
    credit.status = CStatus.AVAILABLE
    credit.booking = None
    credit.taken_at = None
    credit.used_at = None
    credit.save(update_fields=["status", "booking", "taken_at", "used_at", "updated_at"])
    _event(credit, SessionCreditEvent.Kind.RETURNED, booking_id, now)
    return credit


@transaction.atomic
def credit_settle(*, booking_id: int, now: dt.datetime | None = None) -> SessionCredit | None:
    """The booking's outcome is "keep the fee" (as bookings decided): its credit is used. When that was
    the gift's last credit, the buyer gets one short email (outbox). Does nothing for a booking without a
    credit. Safe to repeat."""
    now = now or timezone.now()
    credit = SessionCredit.objects.select_for_update().filter(booking_id=booking_id).first()
    if credit is None or credit.status == CStatus.USED:
        return credit
    credit.status = CStatus.USED
    credit.used_at = now
    credit.save(update_fields=["status", "used_at", "updated_at"])
    _event(credit, SessionCreditEvent.Kind.USED, booking_id, now)
    _notify_if_all_used(credit.gift_id, now)
    return credit


def _notify_if_all_used(gift_id: int, now: dt.datetime) -> None:
    gift = Gift.objects.select_for_update().get(pk=gift_id)
    if gift.all_used_notified_at or gift.status != Status.CLAIMED:
        return
    if gift.credits.exclude(status=CStatus.USED).exists():
        return
    gift.all_used_notified_at = now
    gift.save(update_fields=["all_used_notified_at", "updated_at"])
    emails.email_all_used(gift)
