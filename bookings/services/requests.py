"""A seeker's request and the supporter's answer: request, accept, decline, expire, withdraw, and the
payment of an accepted request (succeeded, failed, released unpaid)."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import AccountClosed, user_lock_active
from accounts.timezones import format_when
from giftcards import services as gifts
from giftcards.selectors import credits_available
from payments import gateway
from payments import services as payments
from payments.models import Payment
from payments.services import seeker_card
from seekers.models import SeekerProfile
from supporters.models import Slot, SupporterProfile
from supporters.selectors import conflict_exists
from supporters.services import bookable_window, conflict_block, slot_take

from .. import emails
from ..models import Booking, BookingEvent
from ..policy import Action, payment_deadline, request_deadline
from .transition import BookingError, SlotTaken, Status, _locked, announce_requested, booking_transition

# --- Request -----------------------------------------------------------------------------------


class CardNeeded(BookingError):
    """No gift session to pay with and no saved card: the seeker is sent to the card step first."""


def seeker_has_booked_with(*, seeker: SeekerProfile, supporter: SupporterProfile) -> bool:
    return Booking.objects.filter(seeker=seeker, supporter=supporter).exists()


def booking_request_payment_check(*, seeker: SeekerProfile) -> None:
    """Before a request: a gift session to pay with, or a saved card to charge when a supporter accepts.
    Raises CardNeeded otherwise. booking_request checks it too; views call it to send a seeker to the card
    step before they fill in the form."""
    if credits_available(seeker=seeker) or seeker_card(seeker=seeker) is not None:
        return
    raise CardNeeded(
        _("Before your first request, please save a card. Nothing is charged until a supporter accepts."),
        code="card_needed",
    )


@transaction.atomic
def booking_request(
    *,
    seeker: SeekerProfile,
    slot_id: int,
    confirms_no_personal_relationship: bool,
    now: dt.datetime | None = None,
    require_payment_method: bool = True,
) -> Booking:
    """A seeker asks for an open slot, or for one the waitlist holds for them (until the hold ends). They
    need a gift session or a saved card first (CardNeeded). The slot is taken with one conditional UPDATE,
    so of two people racing for it exactly one wins; the other gets SlotTaken. A seeker can't hold two
    sessions at once (database constraint). Locks the seeker's user row first (a closed account can't
    book). Announces BookingRequested; queues the supporter's "new request" email after commit.

    ``require_payment_method=False`` only where nobody can be asked for a card: the demo seeding, whose
    seeker pays on the site after the supporter accepts."""
    now = now or timezone.now()
    try:
        # The seeker's user row first, the lock account deletion takes first: a request racing a
        # deletion either lands before it (and is cancelled by it) or finds the account closed.
        user_lock_active(user_id=seeker.user_id)
    except AccountClosed as exc:
        raise BookingError(exc.message, code=exc.code) from None
    if require_payment_method:
        booking_request_payment_check(seeker=seeker)
    try:
        slot = Slot.objects.select_related("supporter").get(pk=slot_id)
    except Slot.DoesNotExist:
        raise SlotTaken(_("That time isn't available any more."), code="taken") from None
    if slot.status == Slot.Status.CLOSED:  # the supporter no longer offers that hour
        raise SlotTaken(_("That time isn't available any more."), code="taken")
    supporter = slot.supporter
    if not SupporterProfile.objects.listed().filter(pk=supporter.pk).exists():
        raise BookingError(_("This supporter isn't taking new bookings right now."), code="not_listed")
    if conflict_exists(seeker_user_id=seeker.user_id, supporter_id=supporter.pk):
        # One of them said "I know this person": never say which, or why.
        raise BookingError(_("This supporter can't take this session."), code="conflict")
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
    # One conditional UPDATE under the supporter's lock (an open slot, or one the waitlist holds for
    # this seeker); it moves their stored next open time too.
    if not slot_take(slot=slot, status=Slot.Status.HELD, now=now, reserved_for_user_id=seeker.user_id):
        if slot.status == Slot.Status.RESERVED and slot.reserved_for_id == seeker.user_id:
            raise SlotTaken(
                _("We held that time for you until %(until)s, and that has passed.")
                % {"until": format_when(slot.reserved_until, seeker.user.tzinfo)},
                code="hold_over",
            )
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
    announce_requested(booking)
    emails.email_request_received(booking)
    return booking


# --- Supporter's answers ---------------------------------------------------------------------------


@transaction.atomic
def booking_accept(
    *, booking_id: int, supporter: SupporterProfile, now: dt.datetime | None = None
) -> Booking:
    """requested -> confirmed when a gift session credit pays for it (taken here, in this transaction);
    otherwise requested -> payment_pending with the fee as a payable in the payments ledger: the saved
    card is charged off-session after commit and payments' PaymentSucceeded confirms the booking
    (bookings.handlers -> booking_payment_succeeded). Safe to repeat."""
    now = now or timezone.now()
    booking = _locked(booking_id, supporter=supporter)
    if booking.status in (Status.CONFIRMED, Status.PAYMENT_PENDING):
        return booking
    if booking.status != Status.REQUESTED:
        raise BookingError(_("This request can no longer be accepted."), code="bad_state")
    if now >= booking.respond_by:
        raise BookingError(_("This request has expired, so it can't be accepted."), code="expired")
    also_saved = []  # written with the transition's own UPDATE of the booking
    if booking.price_cents:
        # Most seekers have no gift session: one count spares credit_take's locks and reads for them.
        has_credit = credits_available(seeker=booking.seeker) > 0
        if (
            has_credit
            and gifts.credit_take(seeker=booking.seeker, booking_id=booking.pk, now=now) is not None
        ):
            booking.paid_with_credit = True  # a gift session pays: nothing to charge
            also_saved = ["paid_with_credit"]
        else:
            booking.payable = payments.payable_create(
                purpose=Booking.PAYABLE_PURPOSE,
                reference=booking.pk,
                amount_cents=booking.price_cents,
                seeker=booking.seeker,
            )
            booking.payment_due_by = payment_deadline(accepted_at=now, start=booking.start)
            also_saved = ["payable", "payment_due_by"]
    booking_transition(booking, action=Action.ACCEPT, by=supporter.user, at=now, also_save=also_saved)
    if booking.status == Status.CONFIRMED:
        emails.email_confirmed(booking)
    return booking


# No savepoint when nested: it runs inside payments' transaction (the PaymentSucceeded handler), raises
# nothing it expects a caller to catch, and anything unexpected rolls the whole payment record back anyway.
@transaction.atomic(savepoint=False)
def booking_payment_succeeded(
    *,
    booking_id: int,
    amount_cents: int,
    now: dt.datetime | None = None,
    payable_id: int | None = None,
    receipt: emails.Receipt | None = None,
):
    """The fee is paid: payment_pending -> confirmed, with the confirmation email and its receipt.

    Returns the booking when this payment confirmed it; None when the booking was already paid (a second
    success is a duplicate); False when the booking is no longer payable (released or cancelled meanwhile).
    The PaymentSucceeded handler hands the money back in the last two cases (payments.payment_refuse).
    ``payable_id``, when given, must be the booking's payable (else False: not this booking's money);
    ``receipt``: the card and time of the payment, when the caller has them (else read for the email)."""
    now = now or timezone.now()
    booking = _locked(booking_id)
    if payable_id is not None and booking.payable_id != payable_id:
        return False
    if booking.amount_paid_cents:
        return None
    if booking.status != Status.PAYMENT_PENDING:
        return False
    booking.amount_paid_cents = amount_cents
    booking_transition(
        booking,
        action=Action.PAID,
        by=None,
        at=now,
        reason="payment succeeded",
        also_save=["amount_paid_cents"],
    )
    emails.email_confirmed(booking, receipt=receipt)
    return booking


@transaction.atomic
def booking_payment_failed(*, booking_id: int) -> Booking:
    """The off-session charge failed: the booking keeps waiting, and the seeker is asked (once) to pay
    on the site before the deadline."""
    booking = _locked(booking_id)
    if booking.status == Status.PAYMENT_PENDING:
        emails.email_payment_needed(booking)
    return booking


def booking_pay(*, booking_id: int, seeker: SeekerProfile) -> tuple[Payment, gateway.Intent]:
    """The seeker pays an accepted session that waits for payment, with their saved card, on the pay
    page (no transaction open: it talks to Stripe). Returns the attempt and Stripe's intent: succeeded
    (the booking is confirmed by then), requires_action (the page runs 3-D Secure, then
    booking_pay_check), or failed with a message. Raises PaymentError with a message for the seeker."""
    booking = Booking.objects.filter(pk=booking_id, seeker=seeker).first()
    if booking is None:
        raise payments.PaymentError(_("We couldn't find that session."), code="not_found")
    if booking.status == Status.CONFIRMED:
        raise payments.PaymentError(_("This session is already paid."), code="paid")
    if booking.status != Status.PAYMENT_PENDING or booking.payable_id is None:
        raise payments.PaymentError(_("This session can't be paid any more."), code="bad_state")
    try:
        return payments.payment_pay_saved_card(payable_id=booking.payable_id, seeker=seeker)
    except payments.PaymentError as exc:
        if exc.code == "paid":
            raise payments.PaymentError(_("This session is already paid."), code="paid") from None
        if exc.code == "bad_state":
            raise payments.PaymentError(_("This session can't be paid any more."), code="bad_state") from None
        if exc.code == "busy":
            raise payments.PaymentError(
                _("A payment for this session is already being processed. Please wait a moment.")
            ) from None
        raise


def booking_pay_check(*, booking_id: int, seeker: SeekerProfile, payment_id: int) -> Payment | None:
    """After 3-D Secure in the browser: ask Stripe (never the browser) about the seeker's attempt on this
    booking and record it. None when the attempt isn't this seeker's booking's."""
    booking = Booking.objects.filter(pk=booking_id, seeker=seeker).exclude(payable=None).first()
    payment = (
        Payment.objects.filter(pk=payment_id, payable_id=booking.payable_id).first() if booking else None
    )
    if payment is None:
        return None
    return payments.payment_check(payment_id=payment.pk)


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


KNOWS_SEEKER_REASON = "I know this person"


@transaction.atomic
def booking_decline(
    *,
    booking_id: int,
    supporter: SupporterProfile,
    reason: str = "",
    knows_seeker: bool = False,
    now: dt.datetime | None = None,
) -> Booking:
    """requested -> declined; the slot opens again. The reason stays private to staff. Safe to repeat.

    Declining is always free for the seeker: nothing is charged before an accept. With ``knows_seeker``
    (the supporter recognised them) the pair is also blocked both ways for good
    (``supporters.services.conflict_block``), the seeker's other requests to this supporter are declined
    the same way, and the seeker's email says only that the supporter can't take this session and points
    to suggestions and our team. Locks the booking, then the pair's other requests in id order."""
    now = now or timezone.now()
    booking = _locked(booking_id, supporter=supporter)
    if booking.status == Status.DECLINED:
        return booking
    if booking.status != Status.REQUESTED:
        raise BookingError(_("This request can no longer be declined."), code="bad_state")
    reason = reason.strip()
    if knows_seeker:
        reason = f"{KNOWS_SEEKER_REASON}. {reason}" if reason else KNOWS_SEEKER_REASON
    _decline_one(booking, supporter=supporter, reason=reason, knows_seeker=knows_seeker, now=now)
    if knows_seeker:
        conflict_block(seeker_user=booking.seeker.user, supporter=supporter)
        others = (
            Booking.objects.select_for_update()
            .filter(seeker_id=booking.seeker_id, supporter=supporter, status=Status.REQUESTED)
            .exclude(pk=booking.pk)
            .order_by("pk")
        )
        for other in others:
            _decline_one(other, supporter=supporter, reason=KNOWS_SEEKER_REASON, knows_seeker=True, now=now)
    return booking


def _decline_one(
    booking: Booking, *, supporter: SupporterProfile, reason: str, knows_seeker: bool, now: dt.datetime
) -> None:
    booking.decline_reason = reason[:300]
    booking.save(update_fields=["decline_reason"])
    booking_transition(
        booking, action=Action.DECLINE, by=supporter.user, at=now, reason=booking.decline_reason
    )
    emails.email_not_accepted(booking, knows_seeker=knows_seeker)


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
