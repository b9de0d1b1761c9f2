"""Cancelling and moving a session, by the seeker or the supporter (also every session inside a leave)."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from seekers.models import SeekerProfile
from supporters.models import Slot, SupporterProfile
from supporters.services import bookable_window, directory_changed, slot_free

from .. import emails
from ..models import Booking, BookingEvent
from ..policy import Action, keeps_free_cancellation, policy_terms, request_deadline, reschedule_is_open
from ..selectors import booking_list_inside_leave
from .requests import booking_decline
from .transition import BookingError, SlotTaken, Status, _locked, booking_transition

# --- Cancelling and moving ------------------------------------------------------------------------

SEEKER_CANCELLED = (Status.CANCELLED, Status.LATE_CANCELLED)


@transaction.atomic
def booking_cancel_by_seeker(
    *, booking_id: int, seeker: SeekerProfile, now: dt.datetime | None = None
) -> Booking:
    """confirmed -> cancelled (free, ≥ 24 h ahead) or late_cancelled (fee kept). Safe to repeat."""
    now = now or timezone.now()
    booking = _locked(booking_id, seeker=seeker)
    if booking.status in SEEKER_CANCELLED:
        return booking
    if booking.status == Status.REQUESTED:
        raise BookingError(_("This is still a request: withdraw it instead."), code="bad_state")
    if booking.status not in (Status.CONFIRMED, Status.PAYMENT_PENDING) or now >= booking.start:
        raise BookingError(_("This session can't be cancelled any more."), code="bad_state")
    booking_transition(booking, action=Action.CANCEL_BY_SEEKER, by=seeker.user, at=now)
    emails.email_cancelled(booking)
    return booking


@transaction.atomic
def booking_cancel_by_supporter(
    *, booking_id: int, supporter: SupporterProfile, reason: str = "", now: dt.datetime | None = None
) -> Booking:
    """confirmed/payment_pending -> cancelled_by_supporter: always free for the seeker. Safe to repeat."""
    now = now or timezone.now()
    booking = _locked(booking_id, supporter=supporter)
    if booking.status == Status.CANCELLED_BY_SUPPORTER:
        return booking
    if booking.status == Status.REQUESTED:
        raise BookingError(_("This is still a request: decline it instead."), code="bad_state")
    if booking.status not in (Status.CONFIRMED, Status.PAYMENT_PENDING) or now >= booking.start:
        raise BookingError(_("This session can't be cancelled any more."), code="bad_state")
    booking_transition(booking, action=Action.CANCEL_BY_SUPPORTER, by=supporter.user, at=now, reason=reason)
    emails.email_cancelled(booking)
    return booking


@transaction.atomic
def booking_reschedule(
    *, booking_id: int, seeker: SeekerProfile, new_slot_id: int, now: dt.datetime | None = None
) -> Booking:
    """Move a confirmed session (or a request) to another open slot of the same supporter, at least 24 h
    before its current start. The booking keeps its payment; the calendar invite's SEQUENCE grows."""
    now = now or timezone.now()
    booking = _locked(booking_id, seeker=seeker)
    if booking.slot_id == new_slot_id:
        return booking
    if booking.status not in (Status.REQUESTED, Status.CONFIRMED):
        raise BookingError(_("This session can't be moved."), code="bad_state")
    if not reschedule_is_open(booking, now):
        raise BookingError(
            _("Sessions can be moved up to %(free_cancellation_hours)s hours before they start.")
            % policy_terms(),
            code="too_late",
        )
    try:
        new_slot = Slot.objects.get(pk=new_slot_id, supporter_id=booking.supporter_id)
    except Slot.DoesNotExist:
        raise SlotTaken(_("That time isn't available."), code="taken") from None
    earliest, latest = bookable_window(now)
    if not (earliest <= new_slot.start <= latest):
        raise SlotTaken(_("That time is too soon or too far ahead to book."), code="window")
    if not keeps_free_cancellation(start=new_slot.start, at=now):
        # Moving must never silently end free cancellation (the page lists only such times).
        raise BookingError(
            _(
                "That time is less than %(free_cancellation_hours)s hours away: after moving there, "
                "cancelling would keep the fee. Please pick a later time."
            )
            % policy_terms(),
            code="ends_free_cancellation",
        )
    old_slot_id, old_start = booking.slot_id, booking.start
    # The old hour is freed first (open only if the supporter still offers it): slot_free locks the
    # supporter before any slot is touched, the order a regeneration takes them in, so the two can't
    # deadlock. A refusal below rolls it back with everything else.
    slot_free(slot_id=old_slot_id, now=now)
    held = Slot.Status.HELD if booking.status == Status.REQUESTED else Slot.Status.BOOKED
    if not Slot.objects.filter(pk=new_slot.pk, status=Slot.Status.OPEN).update(status=held):
        raise SlotTaken(_("Sorry, someone just took that time."), code="taken")
    directory_changed(supporter_id=booking.supporter_id)  # the new hour is no longer open
    booking.slot, booking.start, booking.end = new_slot, new_slot.start, new_slot.end
    booking.ics_sequence += 1
    fields = ["slot", "start", "end", "ics_sequence", "updated_at"]
    if booking.status == Status.REQUESTED:
        # The supporter's time to answer still counts from the original request, never stretched.
        booking.respond_by = request_deadline(requested_at=booking.requested_at, start=new_slot.start)
        fields.append("respond_by")
    try:
        with transaction.atomic():
            booking.save(update_fields=fields)
    except IntegrityError:
        raise BookingError(_("You already have a session at that time."), code="overlap") from None
    BookingEvent.objects.create(
        booking=booking,
        at=now,
        actor=seeker.user,
        from_status=booking.status,
        to_status=booking.status,
        reason=f"rescheduled from {old_start.isoformat()}",
    )
    if booking.status == Status.CONFIRMED:
        emails.email_rescheduled(booking)
    else:
        emails.email_request_moved(booking)
    return booking


LEAVE_REASON = "leave of absence"


def bookings_cancel_inside_leave(*, supporter: SupporterProfile, now: dt.datetime | None = None) -> int:
    """Free every hour that falls on a day of the supporter's leave: requests are declined, sessions
    cancelled by the supporter (free for each seeker, who is told and asked to rebook). Each booking
    changes in its own transaction; one that changed meanwhile (say, just withdrawn) is skipped.
    Returns how many were cancelled."""
    now = now or timezone.now()
    cancelled = 0
    for booking in booking_list_inside_leave(supporter=supporter, now=now):
        answer = booking_decline if booking.status == Status.REQUESTED else booking_cancel_by_supporter
        try:
            answer(booking_id=booking.pk, supporter=supporter, reason=LEAVE_REASON, now=now)
        except BookingError:
            continue
        cancelled += 1
    return cancelled
