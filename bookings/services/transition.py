"""The one place a booking's status changes, and what follows from it: the money outcome handed to
payments/giftcards, the slot's status, the BookingEvent. Also the lookups every booking service shares."""

import datetime as dt
import logging

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from peersnet.errors import DomainError
from peersnet.kernel.enqueue import enqueue_on_commit
from supporters.models import Slot

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
    booking: Booking, *, action: Action, by: User | None, at: dt.datetime, reason: str = ""
) -> Booking:
    """Apply a policy decision to a locked booking: status, money outcome, slot, event. Call inside
    a transaction with the booking row locked."""
    decision = decide(booking, action, at=at)
    if not booking.can_become(decision.to_status):
        raise BookingError(_("This session can't be changed that way any more."), code="bad_state")
    from_status = booking.status
    booking.status = decision.to_status
    booking.money = decision.money
    booking.money_decided_at = at
    fields = ["status", "money", "money_decided_at", "updated_at"]
    if decision.to_status in (Status.CONFIRMED, Status.PAYMENT_PENDING) and booking.accepted_at is None:
        booking.accepted_at = at
        fields.append("accepted_at")
    if decision.to_status not in Booking.HOLDING:
        booking.ended_at = at
        fields.append("ended_at")
    booking.save(update_fields=fields)
    _sync_slot(booking)
    BookingEvent.objects.create(
        booking=booking,
        at=at,
        actor=by,
        from_status=from_status,
        to_status=booking.status,
        reason=reason[:300],
    )
    _execute_money(booking, from_status=from_status)
    return booking


def _execute_money(booking: Booking, *, from_status: str) -> None:
    """Hand the money part of a decision to the payments app (rows now, Stripe calls after commit)."""
    from giftcards import services as gifts
    from payments import services as payments
    from payments import tasks as payment_tasks

    if booking.money == Booking.Money.REFUND_FULL and booking.paid_with_credit:
        gifts.credit_return(booking=booking)  # a gift session comes back instead of money
    elif booking.money == Booking.Money.REFUND_FULL and booking.amount_paid_cents:
        guarantee = booking.status == Status.REFUNDED
        payments.refund_for_booking(booking=booking, reason="guarantee" if guarantee else "policy")
    if booking.money == Booking.Money.KEEP_FEE and booking.paid_with_credit:
        gifts.credits_settle(booking=booking)  # the gift session is used for good
    if booking.status == Status.PAYMENT_PENDING and from_status == Status.REQUESTED:
        enqueue_on_commit(payment_tasks.charge_booking, booking.pk)
    if from_status == Status.PAYMENT_PENDING and booking.status != Status.CONFIRMED:
        transaction.on_commit(lambda: _cancel_open_intents(booking.pk))


def _cancel_open_intents(booking_id: int) -> None:
    from payments import gateway
    from payments import services as payments

    try:
        payments.payments_cancel_open(booking_id=booking_id)
    except gateway.GatewayUnavailable:
        logger.warning("could not cancel open intents of booking %s; a late success is refunded", booking_id)


def _sync_slot(booking: Booking) -> None:
    """The slot's status follows the booking: held while requested, booked once accepted, open when freed."""
    if booking.status in (Status.REQUESTED, Status.PAYMENT_PENDING):
        slot_status = Slot.Status.HELD
    elif booking.status in Booking.HOLDING:
        slot_status = Slot.Status.BOOKED
    else:
        slot_status = Slot.Status.OPEN
    Slot.objects.filter(pk=booking.slot_id).update(status=slot_status)
    if slot_status == Slot.Status.OPEN:
        # The freed hour may no longer fit the supporter's rules (changed meanwhile): let them decide.
        from supporters.tasks import regenerate_supporter_slots

        # The broker is down: the daily roll regenerates anyway.
        enqueue_on_commit(regenerate_supporter_slots, booking.supporter_id)


def _locked(booking_id: int, **owner) -> Booking:
    try:
        return (
            Booking.objects.select_for_update()
            .select_related("seeker__user", "supporter__user")
            .get(pk=booking_id, **owner)
        )
    except Booking.DoesNotExist:
        raise BookingError(_("We couldn't find that session."), code="not_found") from None
