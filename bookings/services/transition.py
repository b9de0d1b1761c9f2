"""The one place a booking's status changes, and what follows from it: the money outcome handed to
payments/giftcards, the slot's status, the BookingEvent. Also the lookups every booking service shares."""

import datetime as dt
import logging

from django.utils.translation import gettext as _

from accounts.models import User
from giftcards import services as gifts
from payments import services as payments
from payments.models import Refund
from peersnet.errors import DomainError
from peersnet.kernel import events
from supporters.models import Slot
from supporters.services import slot_free, slot_hold

from ..events import BookingConfirmed, BookingEnded, BookingRequested, SessionCompleted
from ..models import Booking, BookingEvent
from ..policy import Action, decide

logger = logging.getLogger(__name__)

Status = Booking.Status


class BookingError(DomainError):
    pass


class SlotTaken(BookingError):
    pass


# --- The one place a status changes --------------------------------------------------------------


def booking_transition(
    booking: Booking,
    *,
    action: Action,
    by: User | None,
    at: dt.datetime,
    reason: str = "",
    also_save: list[str] | tuple[str, ...] = (),
) -> Booking:
    """Apply a policy decision to a locked booking: status, money outcome, slot, event. Call inside
    a transaction with the booking row locked. ``also_save``: fields the caller changed on the booking,
    written in the same UPDATE as the status."""
    decision = decide(booking, action, at=at)
    if not booking.can_become(decision.to_status):
        raise BookingError(_("This session can't be changed that way any more."), code="bad_state")
    from_status = booking.status
    booking.status = decision.to_status
    booking.money = decision.money
    booking.money_decided_at = at
    fields = ["status", "money", "money_decided_at", "updated_at", *also_save]
    if decision.to_status in (Status.CONFIRMED, Status.PAYMENT_PENDING) and booking.accepted_at is None:
        booking.accepted_at = at
        fields.append("accepted_at")
    if decision.to_status not in Booking.HOLDING:
        booking.ended_at = at
        fields.append("ended_at")
    booking.save(update_fields=fields)
    _sync_slot(booking, at=at, from_status=from_status)
    BookingEvent.objects.create(
        booking=booking,
        at=at,
        actor=by,
        from_status=from_status,
        to_status=booking.status,
        reason=reason[:300],
    )
    _execute_money(booking, from_status=from_status, at=at)
    _announce(booking, from_status=from_status)
    return booking


def announce_requested(booking: Booking) -> None:
    """Tell the apps above that a new request exists (its row was just created in this transaction)."""
    events.announce(
        BookingRequested(
            booking_id=booking.pk,
            seeker_user_id=booking.seeker.user_id,
            supporter_id=booking.supporter_id,
            slot_id=booking.slot_id,
        )
    )


def _announce(booking: Booking, *, from_status: str) -> None:
    """Tell the apps above what happened (peersnet.kernel.events), in this transaction."""
    if booking.status == Status.CONFIRMED and from_status != Status.CONFIRMED:
        events.announce(BookingConfirmed(booking_id=booking.pk))
    if booking.status == Status.COMPLETED:
        events.announce(SessionCompleted(booking_id=booking.pk))
    if from_status in Booking.HOLDING and booking.status not in Booking.HOLDING:
        events.announce(BookingEnded(booking_id=booking.pk, status=booking.status, money=booking.money))


def _execute_money(booking: Booking, *, from_status: str, at: dt.datetime) -> None:
    """Hand the decided money outcome down: a gift credit is returned or settled (giftcards), a card
    payment refunded in full (payments; rows now, Stripe after commit); a fresh payable is charged, and an
    unpaid one no longer wanted is closed, after commit. Lock order: the booking (held by the caller),
    then the payable and its payment, or the credit."""
    if booking.money == Booking.Money.REFUND_FULL and booking.paid_with_credit:
        gifts.credit_return(booking_id=booking.pk, now=at)  # a gift session comes back instead of money
    elif booking.money == Booking.Money.REFUND_FULL and booking.amount_paid_cents and booking.payable_id:
        reason = Refund.Reason.GUARANTEE if booking.status == Status.REFUNDED else Refund.Reason.POLICY
        payments.refund_full(payable_id=booking.payable_id, reason=reason)
    if booking.money == Booking.Money.KEEP_FEE and booking.paid_with_credit:
        gifts.credit_settle(booking_id=booking.pk, now=at)  # the gift session is used for good
    if booking.status == Status.PAYMENT_PENDING and from_status == Status.REQUESTED and booking.payable_id:
        payments.payment_charge_wanted(payable_id=booking.payable_id)  # "charge wanted", sent after commit
    if from_status == Status.PAYMENT_PENDING and booking.status != Status.CONFIRMED and booking.payable_id:
        payments.payable_close_after_commit(payable_id=booking.payable_id)


_HELD_WHILE = (Status.REQUESTED, Status.PAYMENT_PENDING)


def _sync_slot(booking: Booking, *, at: dt.datetime, from_status: str) -> None:
    """The slot's status follows the booking: held while requested, booked once accepted; when freed,
    open again only if the supporter still offers that hour (their rules may have changed meanwhile).
    Requested to payment pending leaves the slot held: nothing to write."""
    if booking.status in _HELD_WHILE:
        if from_status not in _HELD_WHILE:
            slot_hold(slot_id=booking.slot_id, status=Slot.Status.HELD, now=at)
    elif booking.status in Booking.HOLDING:
        slot_hold(slot_id=booking.slot_id, status=Slot.Status.BOOKED, now=at)
    else:
        slot_free(slot_id=booking.slot_id, now=at)


def _locked(booking_id: int, **owner) -> Booking:
    try:
        return (
            Booking.objects.select_for_update()
            .select_related("seeker__user", "supporter__user")
            .get(pk=booking_id, **owner)
        )
    except Booking.DoesNotExist:
        raise BookingError(_("We couldn't find that session."), code="not_found") from None
