"""Every booking state change. Each service locks the booking, decides on the locked row, refuses an
invalid change with a message a person can read, returns quietly when the change already happened,
writes a BookingEvent, and queues its emails in the outbox (sent after commit)."""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from peersnet.errors import DomainError
from seekers.models import SeekerProfile
from supporters.models import Slot, SupporterProfile
from supporters.services import bookable_window

from . import emails
from .models import Booking, BookingEvent, SessionFeedback
from .policy import Action, decide, payment_deadline, request_deadline

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
        transaction.on_commit(lambda: payments._queue(payment_tasks.charge_booking, booking.pk))
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

        transaction.on_commit(lambda: _regenerate_later(regenerate_supporter_slots, booking.supporter_id))


def _regenerate_later(task, supporter_id: int) -> None:
    try:
        task.delay(supporter_id)
    except Exception:  # the queue is down: the daily roll regenerates anyway
        logger.warning("could not queue slot regeneration for supporter %s", supporter_id, exc_info=True)


def _locked(booking_id: int, **owner) -> Booking:
    try:
        return (
            Booking.objects.select_for_update()
            .select_related("seeker__user", "supporter__user")
            .get(pk=booking_id, **owner)
        )
    except Booking.DoesNotExist:
        raise BookingError(_("We couldn't find that session."), code="not_found") from None


# --- Request -----------------------------------------------------------------------------------


def seeker_has_booked_with(*, seeker: SeekerProfile, supporter: SupporterProfile) -> bool:
    return Booking.objects.filter(seeker=seeker, supporter=supporter).exists()


@transaction.atomic
def booking_request(
    *,
    seeker: SeekerProfile,
    slot_id: int,
    confirms_no_personal_relationship: bool,
    now: dt.datetime | None = None,
) -> Booking:
    """A seeker asks for an open slot. The slot is taken with one conditional UPDATE, so of two people
    racing for it exactly one wins; the other gets SlotTaken. A seeker can't hold two sessions at once
    (database constraint). Queues the supporter's "new request" email after commit."""
    now = now or timezone.now()
    try:
        slot = Slot.objects.select_related("supporter").get(pk=slot_id)
    except Slot.DoesNotExist:
        raise SlotTaken(_("That time isn't available any more."), code="taken") from None
    supporter = slot.supporter
    if not SupporterProfile.objects.listed().filter(pk=supporter.pk).exists():
        raise BookingError(_("This supporter isn't taking new bookings right now."), code="not_listed")
    if (
        not seeker_has_booked_with(seeker=seeker, supporter=supporter)
        and not confirms_no_personal_relationship
    ):
        raise BookingError(
            _("Please confirm that you don't know this supporter outside peersnet."), code="relationship"
        )
    earliest, latest = bookable_window(now)
    if not (earliest <= slot.start <= latest):
        raise SlotTaken(_("That time is too soon or too far ahead to book."), code="window")
    taken = Slot.objects.filter(pk=slot.pk, status=Slot.Status.OPEN).update(status=Slot.Status.HELD)
    if not taken:
        raise SlotTaken(_("Sorry, someone just took that time."), code="taken")
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                seeker=seeker,
                supporter=supporter,
                slot=slot,
                start=slot.start,
                end=slot.end,
                requested_at=now,
                respond_by=request_deadline(requested_at=now, start=slot.start),
                price_cents=settings.SESSION_PRICE_CENTS,
            )
    except IntegrityError:
        # The savepoint rolled back the booking; the slot we held goes back to open with the outer
        # transaction's rollback when we raise.
        raise BookingError(
            _("You already have a session at that time. Choose another time or cancel that one first."),
            code="overlap",
        ) from None
    BookingEvent.objects.create(booking=booking, at=now, actor=seeker.user, to_status=Status.REQUESTED)
    emails.email_request_received(booking)
    return booking


# --- Supporter's answers ---------------------------------------------------------------------------


@transaction.atomic
def booking_accept(
    *, booking_id: int, supporter: SupporterProfile, now: dt.datetime | None = None
) -> Booking:
    """requested -> confirmed when a gift session credit pays for it (taken here, in this transaction);
    otherwise requested -> payment_pending: the saved card is charged off-session after commit and a
    success confirms the booking (booking_payment_succeeded). Safe to repeat."""
    now = now or timezone.now()
    booking = _locked(booking_id, supporter=supporter)
    if booking.status in (Status.CONFIRMED, Status.PAYMENT_PENDING):
        return booking
    if booking.status != Status.REQUESTED:
        raise BookingError(_("This request can no longer be accepted."), code="bad_state")
    if now >= booking.respond_by:
        raise BookingError(_("This request has expired, so it can't be accepted."), code="expired")
    if booking.price_cents:
        from giftcards.services import credit_take

        if credit_take(seeker=booking.seeker, booking=booking, now=now) is not None:
            booking.paid_with_credit = True  # a gift session pays: nothing to charge
            booking.save(update_fields=["paid_with_credit"])
        else:
            booking.payment_due_by = payment_deadline(accepted_at=now, start=booking.start)
            booking.save(update_fields=["payment_due_by"])
    booking_transition(booking, action=Action.ACCEPT, by=supporter.user, at=now)
    if booking.status == Status.CONFIRMED:
        emails.email_confirmed(booking)
    return booking


@transaction.atomic
def booking_payment_succeeded(*, booking_id: int, amount_cents: int, now: dt.datetime | None = None):
    """The fee is paid: payment_pending -> confirmed, with the confirmation email and its receipt.

    Returns the booking when this payment confirmed it; None when the booking was already paid (a second
    success is a duplicate); False when the booking is no longer payable (released or cancelled meanwhile).
    The payments app refunds in the last two cases."""
    now = now or timezone.now()
    booking = _locked(booking_id)
    if booking.amount_paid_cents:
        return None
    if booking.status != Status.PAYMENT_PENDING:
        return False
    booking.amount_paid_cents = amount_cents
    booking.save(update_fields=["amount_paid_cents"])
    booking_transition(booking, action=Action.PAID, by=None, at=now, reason="payment succeeded")
    emails.email_confirmed(booking)
    return booking


@transaction.atomic
def booking_payment_failed(*, booking_id: int) -> Booking:
    """The off-session charge failed: the booking keeps waiting, and the seeker is asked (once) to pay
    on the site before the deadline."""
    booking = _locked(booking_id)
    if booking.status == Status.PAYMENT_PENDING:
        emails.email_payment_needed(booking)
    return booking


@transaction.atomic
def booking_release(*, booking_id: int, now: dt.datetime | None = None) -> Booking:
    """payment_pending -> released once the payment deadline has passed unpaid; the slot opens again."""
    now = now or timezone.now()
    booking = _locked(booking_id)
    if (
        booking.status != Status.PAYMENT_PENDING
        or booking.payment_due_by is None
        or now < booking.payment_due_by
    ):
        return booking
    booking_transition(booking, action=Action.RELEASE, by=None, at=now, reason="not paid in time")
    emails.email_released(booking)
    return booking


def bookings_release_due(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    ids = Booking.objects.filter(status=Status.PAYMENT_PENDING, payment_due_by__lte=now).values_list(
        "pk", flat=True
    )
    return sum(booking_release(booking_id=i, now=now).status == Status.RELEASED for i in list(ids))


@transaction.atomic
def booking_decline(
    *, booking_id: int, supporter: SupporterProfile, reason: str = "", now: dt.datetime | None = None
) -> Booking:
    """requested -> declined; the slot opens again. The reason stays private to staff. Safe to repeat."""
    now = now or timezone.now()
    booking = _locked(booking_id, supporter=supporter)
    if booking.status == Status.DECLINED:
        return booking
    if booking.status != Status.REQUESTED:
        raise BookingError(_("This request can no longer be declined."), code="bad_state")
    booking.decline_reason = reason.strip()[:300]
    booking.save(update_fields=["decline_reason"])
    booking_transition(
        booking, action=Action.DECLINE, by=supporter.user, at=now, reason=booking.decline_reason
    )
    emails.email_not_accepted(booking)
    return booking


@transaction.atomic
def booking_expire(*, booking_id: int, now: dt.datetime | None = None) -> Booking:
    """requested -> expired once its response deadline has passed. Safe to repeat; a no-op otherwise."""
    now = now or timezone.now()
    booking = _locked(booking_id)
    if booking.status != Status.REQUESTED or now < booking.respond_by:
        return booking
    booking_transition(booking, action=Action.EXPIRE, by=None, at=now, reason="not accepted in time")
    emails.email_not_accepted(booking)
    return booking


@transaction.atomic
def booking_withdraw(*, booking_id: int, seeker: SeekerProfile, now: dt.datetime | None = None) -> Booking:
    """A seeker takes back a request that wasn't answered yet. Safe to repeat."""
    now = now or timezone.now()
    booking = _locked(booking_id, seeker=seeker)
    if booking.status == Status.WITHDRAWN:
        return booking
    if booking.status != Status.REQUESTED:
        raise BookingError(
            _("This request was already answered. You can cancel the session instead."), code="bad_state"
        )
    booking_transition(booking, action=Action.WITHDRAW, by=seeker.user, at=now)
    emails.email_withdrawn(booking)
    return booking


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
    if now > booking.start - settings.FREE_CANCELLATION_NOTICE:
        raise BookingError(_("Sessions can be moved up to 24 hours before they start."), code="too_late")
    try:
        new_slot = Slot.objects.get(pk=new_slot_id, supporter_id=booking.supporter_id)
    except Slot.DoesNotExist:
        raise SlotTaken(_("That time isn't available."), code="taken") from None
    earliest, latest = bookable_window(now)
    if not (earliest <= new_slot.start <= latest):
        raise SlotTaken(_("That time is too soon or too far ahead to book."), code="window")
    held = Slot.Status.HELD if booking.status == Status.REQUESTED else Slot.Status.BOOKED
    if not Slot.objects.filter(pk=new_slot.pk, status=Slot.Status.OPEN).update(status=held):
        raise SlotTaken(_("Sorry, someone just took that time."), code="taken")
    old_slot_id, old_start = booking.slot_id, booking.start
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
    Slot.objects.filter(pk=old_slot_id).update(status=Slot.Status.OPEN)
    from supporters.tasks import regenerate_supporter_slots  # the freed hour may no longer fit the rules

    transaction.on_commit(lambda: _regenerate_later(regenerate_supporter_slots, booking.supporter_id))
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


# --- After the session ---------------------------------------------------------------------------

NO_SHOW_REPORT_WINDOW = dt.timedelta(hours=48)


@transaction.atomic
def booking_complete(*, booking_id: int, now: dt.datetime | None = None) -> Booking:
    """confirmed -> completed once the session's end has passed. Safe to repeat; a no-op before the end."""
    now = now or timezone.now()
    booking = _locked(booking_id)
    if booking.status != Status.CONFIRMED or now < booking.end:
        return booking
    booking_transition(booking, action=Action.COMPLETE, by=None, at=now)
    emails.email_feedback_request(booking)
    return booking


@transaction.atomic
def booking_feedback(
    *, booking_id: int, seeker: SeekerProfile, loved: bool, comment: str = "", now: dt.datetime | None = None
) -> Booking:
    """The seeker says how a completed session went. "I didn't love it" within 7 days of the end is the
    money-back guarantee: completed -> refunded with a full refund, no questions asked, once per booking."""
    now = now or timezone.now()
    booking = _locked(booking_id, seeker=seeker)
    if SessionFeedback.objects.filter(booking=booking).exists():
        return booking
    if booking.status != Status.COMPLETED:
        raise BookingError(_("You can tell us how it went once the session has ended."), code="bad_state")
    if not loved and now > booking.end + settings.GUARANTEE_WINDOW:
        raise BookingError(
            _("The money-back guarantee lasts 7 days after a session, and this one has passed."),
            code="too_late",
        )
    SessionFeedback.objects.create(booking=booking, loved=loved, comment=comment.strip()[:2000])
    if not loved:
        booking_transition(
            booking, action=Action.GUARANTEE, by=seeker.user, at=now, reason="money-back guarantee"
        )
    return booking


@transaction.atomic
def booking_mark_seeker_no_show(
    *, booking_id: int, supporter: SupporterProfile, now: dt.datetime | None = None
) -> Booking:
    """The supporter says the seeker didn't come: possible from 10 minutes after the start until 48 h
    after the end. The fee is kept. Safe to repeat."""
    now = now or timezone.now()
    booking = _locked(booking_id, supporter=supporter)
    if booking.status == Status.NO_SHOW:
        return booking
    if booking.status not in (Status.CONFIRMED, Status.COMPLETED):
        raise BookingError(_("This session can't be marked as a no-show."), code="bad_state")
    if booking.supporter_absent_reported_at:
        raise BookingError(
            _("The seeker has told us this session didn't happen as planned. Our team will review it."),
            code="disputed",
        )
    if now < booking.start + dt.timedelta(minutes=10) or now > booking.end + NO_SHOW_REPORT_WINDOW:
        raise BookingError(
            _("A no-show can be marked from 10 minutes after the start until 48 hours after the end."),
            code="window",
        )
    booking.no_show_by = Booking.Party.SEEKER
    booking.save(update_fields=["no_show_by"])
    return booking_transition(booking, action=Action.SEEKER_NO_SHOW, by=supporter.user, at=now)


@transaction.atomic
def booking_report_supporter_absent(
    *, booking_id: int, seeker: SeekerProfile, now: dt.datetime | None = None
) -> Booking:
    """The seeker says the supporter didn't come. Staff review it (booking_confirm_supporter_no_show)."""
    now = now or timezone.now()
    booking = _locked(booking_id, seeker=seeker)
    if booking.supporter_absent_reported_at:
        return booking
    seeker_marked_absent = booking.status == Status.NO_SHOW and booking.no_show_by == Booking.Party.SEEKER
    if booking.status not in (Status.CONFIRMED, Status.COMPLETED) and not seeker_marked_absent:
        raise BookingError(_("This session can't be reported."), code="bad_state")
    if now < booking.start + dt.timedelta(minutes=10) or now > booking.end + NO_SHOW_REPORT_WINDOW:
        raise BookingError(
            _("You can tell us from 10 minutes after the start until 48 hours after the end."), code="window"
        )
    booking.supporter_absent_reported_at = now
    booking.save(update_fields=["supporter_absent_reported_at", "updated_at"])
    BookingEvent.objects.create(
        booking=booking,
        at=now,
        actor=seeker.user,
        from_status=booking.status,
        to_status=booking.status,
        reason="seeker reported that the supporter did not come",
    )
    return booking


@transaction.atomic
def booking_confirm_supporter_no_show(
    *, booking_id: int, staff: User, now: dt.datetime | None = None
) -> Booking:
    """Staff confirm the supporter didn't come: no_show with a full refund. Safe to repeat."""
    now = now or timezone.now()
    booking = _locked(booking_id)
    if booking.status == Status.NO_SHOW and booking.no_show_by == Booking.Party.SUPPORTER:
        return booking
    # Staff may also overturn a supporter's "the seeker didn't come" that the seeker disputed.
    disputed = booking.status == Status.NO_SHOW and booking.supporter_absent_reported_at is not None
    if (booking.status not in (Status.CONFIRMED, Status.COMPLETED) and not disputed) or now < booking.start:
        raise BookingError(_("This session can't be marked as a supporter no-show."), code="bad_state")
    booking.no_show_by = Booking.Party.SUPPORTER
    booking.save(update_fields=["no_show_by"])
    return booking_transition(
        booking, action=Action.SUPPORTER_NO_SHOW, by=staff, at=now, reason="staff review"
    )


# --- Periodic work ---------------------------------------------------------------------------------


def bookings_expire_due(*, now: dt.datetime | None = None) -> int:
    """Expire every request past its deadline. Each in its own transaction. Returns how many."""
    now = now or timezone.now()
    ids = Booking.objects.filter(status=Status.REQUESTED, respond_by__lte=now).values_list("pk", flat=True)
    count = 0
    for booking_id in list(ids):
        if booking_expire(booking_id=booking_id, now=now).status == Status.EXPIRED:
            count += 1
    return count


def bookings_complete_due(*, now: dt.datetime | None = None) -> int:
    """Complete every confirmed session whose end has passed. Returns how many."""
    now = now or timezone.now()
    ids = Booking.objects.filter(status=Status.CONFIRMED, end__lte=now).values_list("pk", flat=True)
    count = 0
    for booking_id in list(ids):
        if booking_complete(booking_id=booking_id, now=now).status == Status.COMPLETED:
            count += 1
    return count


REMINDERS = ((24, dt.timedelta(hours=24)), (1, dt.timedelta(hours=1)))


def bookings_send_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue the 24-hour and 1-hour reminders of confirmed sessions starting within those spans.

    Runs every few minutes; the outbox key (booking, kind, start) makes a rerun send nothing twice,
    and a rescheduled session gets fresh reminders for its new time."""
    now = now or timezone.now()
    count = 0
    for hours, ahead in REMINDERS:
        due = (
            Booking.objects.filter(status=Status.CONFIRMED, start__gt=now, start__lte=now + ahead)
            # Accepted inside the span: the confirmation just told them, no reminder for that span.
            .exclude(accepted_at__gt=F("start") - ahead)
            .select_related("seeker__user", "supporter__user")
        )
        for booking in due:
            with transaction.atomic():
                emails.email_reminder(booking, hours=hours)
            count += 1
    return count


def intake_send_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind seekers with an upcoming session and no intake yet, at most once a day each (outbox key)."""
    now = now or timezone.now()
    seekers = (
        SeekerProfile.objects.filter(
            bookings__status__in=[Status.REQUESTED, Status.PAYMENT_PENDING, Status.CONFIRMED],
            bookings__start__gt=now,
            intake__isnull=True,
        )
        .select_related("user")
        .distinct()
    )
    count = 0
    for seeker in seekers:
        with transaction.atomic():
            emails.email_intake_reminder(seeker, day=now.astimezone(seeker.user.tzinfo).date())
        count += 1
    return count
