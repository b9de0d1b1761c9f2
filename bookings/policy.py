"""The booking rules that depend on time and on who acts: the one place that decides what happens to the
fee, when each window opens and closes (join, cancel or move for free, no-show, guarantee), and what a
viewer may do with a booking now (``booking_actions``).

Nothing here writes. Services ask before they change a booking; views and templates ask which actions
to show; page copy reads the windows from ``policy_terms`` (never "24 hours" typed into a page).
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

from peersnet.kernel.money import format_cents

from .models import Booking

Status = Booking.Status
Money = Booking.Money

# --- Session-time windows (each spelled once; the free-cancellation and guarantee spans are settings) ---

JOIN_OPENS_BEFORE = dt.timedelta(minutes=10)  # the video room opens this long before the start
ABSENCE_REPORTS_OPEN_AFTER = dt.timedelta(minutes=10)  # "they didn't come" from start + 10 min ...
ABSENCE_REPORTS_CLOSE_AFTER = dt.timedelta(hours=48)  # ... until end + 48 h


class Action(StrEnum):
    ACCEPT = "accept"
    PAID = "paid"
    DECLINE = "decline"
    EXPIRE = "expire"
    WITHDRAW = "withdraw"
    RELEASE = "release"
    CANCEL_BY_SEEKER = "cancel_by_seeker"
    CANCEL_BY_SUPPORTER = "cancel_by_supporter"
    COMPLETE = "complete"
    SEEKER_NO_SHOW = "seeker_no_show"
    SUPPORTER_NO_SHOW = "supporter_no_show"
    GUARANTEE = "guarantee"


@dataclass(frozen=True)
class Decision:
    to_status: str
    money: str


def request_deadline(*, requested_at: dt.datetime, start: dt.datetime) -> dt.datetime:
    """A request not accepted by min(requested + 24 h, start − 1 h) expires."""
    return min(requested_at + dt.timedelta(hours=24), start - dt.timedelta(hours=1))


def free_cancellation_deadline(booking: Booking) -> dt.datetime:
    """The last instant at which the seeker may cancel (or reschedule) for free: exactly 24 h before start."""
    return booking.start - settings.FREE_CANCELLATION_NOTICE


def is_free_cancellation(booking: Booking, at: dt.datetime) -> bool:
    return at <= free_cancellation_deadline(booking)


def reschedule_is_open(booking: Booking, at: dt.datetime) -> bool:
    """A session (or a request) can be moved until the free-cancellation deadline, not after."""
    return at <= free_cancellation_deadline(booking)


def join_opens_at(booking: Booking) -> dt.datetime:
    return booking.start - JOIN_OPENS_BEFORE


def join_is_open(booking: Booking, at: dt.datetime) -> bool:
    """The video room of a confirmed session: from 10 minutes before the start until its end."""
    return booking.status == Status.CONFIRMED and join_opens_at(booking) <= at < booking.end


def absence_window_is_open(booking: Booking, at: dt.datetime) -> bool:
    """Either side may say the other didn't come: from 10 minutes after the start to 48 h after the end."""
    return booking.start + ABSENCE_REPORTS_OPEN_AFTER <= at <= booking.end + ABSENCE_REPORTS_CLOSE_AFTER


def guarantee_until(booking: Booking) -> dt.datetime:
    """The last instant of the money-back guarantee: 7 days after the session's end."""
    return booking.end + settings.GUARANTEE_WINDOW


def guarantee_is_open(booking: Booking, at: dt.datetime) -> bool:
    return at <= guarantee_until(booking)


def guarantee_open_for_ends_after(at: dt.datetime) -> dt.datetime:
    """Sessions that ended at or after this instant are still inside the guarantee at ``at``."""
    return at - settings.GUARANTEE_WINDOW


def _hours(span: dt.timedelta) -> int:
    return int(span.total_seconds() // 3600)


def policy_terms() -> dict[str, int]:
    """The windows as numbers for page and email copy ("free up to {{ POLICY.free_cancellation_hours }}
    hours before"), so the words can't drift from the rules."""
    return {
        "free_cancellation_hours": _hours(settings.FREE_CANCELLATION_NOTICE),
        "guarantee_days": settings.GUARANTEE_WINDOW.days,
        "join_opens_minutes": int(JOIN_OPENS_BEFORE.total_seconds() // 60),
        "absence_opens_minutes": int(ABSENCE_REPORTS_OPEN_AFTER.total_seconds() // 60),
        "absence_closes_hours": _hours(ABSENCE_REPORTS_CLOSE_AFTER),
    }


def was_charged(booking: Booking) -> bool:
    """The fee was actually taken: a card payment succeeded, or a gift credit paid for it."""
    return booking.amount_paid_cents > 0 or booking.paid_with_credit


MIN_TIME_TO_PAY = dt.timedelta(minutes=30)


def payment_deadline(*, accepted_at: dt.datetime, start: dt.datetime) -> dt.datetime:
    """An accepted, unpaid booking must be paid by start − 2 h, or 12 h after acceptance if sooner.

    A request may be accepted until an hour before the start, later than start − 2 h: then the seeker
    still gets half an hour to pay (but never past the start), rather than a deadline already gone."""
    deadline = min(start - dt.timedelta(hours=2), accepted_at + dt.timedelta(hours=12))
    return max(deadline, min(accepted_at + MIN_TIME_TO_PAY, start))


def decide(booking: Booking, action: Action, *, at: dt.datetime) -> Decision:
    """The state a booking moves to and what that means for the fee, from the booking, the actor's
    action and the time. Raises ValueError for an action that has no meaning in the booking's state
    (services turn that into a message)."""
    charged = was_charged(booking)
    refund_or_nothing = Money.REFUND_FULL if charged else Money.NOTHING_TO_CHARGE
    match action:
        case Action.ACCEPT:
            if booking.paid_with_credit:
                return Decision(Status.CONFIRMED, Money.CHARGE)
            if booking.price_cents:
                return Decision(Status.PAYMENT_PENDING, Money.CHARGE)
            return Decision(Status.CONFIRMED, Money.NOTHING_TO_CHARGE)
        case Action.PAID:
            return Decision(Status.CONFIRMED, Money.CHARGE)
        case Action.DECLINE:
            return Decision(Status.DECLINED, refund_or_nothing)
        case Action.EXPIRE:
            return Decision(Status.EXPIRED, refund_or_nothing)
        case Action.WITHDRAW:
            return Decision(Status.WITHDRAWN, refund_or_nothing)
        case Action.RELEASE:
            return Decision(Status.RELEASED, refund_or_nothing)
        case Action.CANCEL_BY_SEEKER:
            if is_free_cancellation(booking, at):
                return Decision(Status.CANCELLED, refund_or_nothing)
            return Decision(Status.LATE_CANCELLED, Money.KEEP_FEE if charged else Money.NOTHING_TO_CHARGE)
        case Action.CANCEL_BY_SUPPORTER:
            return Decision(Status.CANCELLED_BY_SUPPORTER, refund_or_nothing)
        case Action.COMPLETE:
            return Decision(Status.COMPLETED, Money.KEEP_FEE if charged else Money.NOTHING_TO_CHARGE)
        case Action.SEEKER_NO_SHOW:
            return Decision(Status.NO_SHOW, Money.KEEP_FEE if charged else Money.NOTHING_TO_CHARGE)
        case Action.SUPPORTER_NO_SHOW:
            return Decision(Status.NO_SHOW, refund_or_nothing)
        case Action.GUARANTEE:
            return Decision(Status.REFUNDED, refund_or_nothing)
    raise ValueError(action)


# --- Money words: the one place that words each money outcome (pages, messages and emails) -------------

REFUND_ARRIVES = (
    "Refunds usually reach your card within 5 to 10 business days; when exactly depends on your bank."
)


def money_sentence(booking: Booking) -> str:
    """What the booking's money outcome means for the seeker, in one sentence (pages and emails)."""
    late = booking.status == Status.LATE_CANCELLED
    if booking.money == Money.REFUND_FULL:
        if booking.paid_with_credit:
            return "Your gift session is back in your account, ready to book again."
        if booking.amount_paid_cents:
            return (
                f"We're refunding the full {format_cents(booking.amount_paid_cents)} to your card; "
                "it usually shows within 5 to 10 business days."
            )
        return "You won't pay anything for it."
    if booking.money == Money.KEEP_FEE:
        what = late_cancel_outcome(booking)
        if late:
            hours = policy_terms()["free_cancellation_hours"]
            return f"Because it was less than {hours} hours before the start, {what}."
        return f"{what[0].upper()}{what[1:]}."
    return "You won't pay anything for it."


def late_cancel_outcome(booking: Booking) -> str:
    """What a cancellation after the free-cancellation deadline means, as a clause: a paid fee is kept
    (never "pay the fee": it is already paid), a gift session is used (never "charged")."""
    if booking.paid_with_credit:
        return "the gift session is used"
    if booking.amount_paid_cents:
        return "the full fee is kept"
    if booking.price_cents:
        return "as the payment wasn't completed, there is nothing to pay"
    return "there is nothing to pay"


def late_cancel_rule() -> str:
    """The late-cancellation rule in general (before booking, in the terms)."""
    hours = policy_terms()["free_cancellation_hours"]
    return (
        f"Cancelling less than {hours} hours before the start keeps the fee "
        "(or, for a gift session, uses it); it isn't refunded."
    )


def cancel_button_label(booking: Booking, *, free: bool) -> str:
    """The cancel page's button: it says what the click does to the money."""
    if free or not was_charged(booking):
        return "Cancel the session"
    if booking.paid_with_credit:
        return "Cancel and use the gift session"
    return "Cancel; the fee is kept"


def refund_sentence(amount_cents: int) -> str:
    """The refund email's money sentence: how much, where to, and when to expect it."""
    return f"We've refunded {format_cents(amount_cents)} to your card. {REFUND_ARRIVES}"


def gift_balance_sentence(count: int) -> str:
    """A seeker's gift balance: "You have 2 gift sessions"."""
    return f"You have {count} gift session{'s' if count != 1 else ''}"


def keeps_free_cancellation(*, start: dt.datetime, at: dt.datetime) -> bool:
    """A session starting at ``start``, booked or moved to at ``at``, can still be cancelled for free
    (the new time is more than the free-cancellation notice away). The reschedule list offers only
    such times: moving a session must never silently end its free cancellation."""
    return at <= start - settings.FREE_CANCELLATION_NOTICE


# --- What a viewer may do now --------------------------------------------------------------------------


@dataclass(frozen=True)
class BookingActions:
    """Which actions and notices a page shows one viewer of one booking at one instant. Templates read
    these instead of comparing statuses; the services still decide on the locked row (a stale page
    gets a clear message, never a wrong change)."""

    is_seeker: bool
    is_supporter: bool
    # Where the booking stands (both sides see these notices).
    awaiting_answer: bool  # a request the supporter hasn't answered
    awaiting_payment: bool  # accepted, the fee not paid yet
    room: bool  # confirmed: a video room and a calendar invite exist
    join: bool  # ... and the room is open now
    # The seeker's actions.
    pay: bool
    withdraw: bool
    reschedule: bool
    cancel: bool
    cancel_is_free: bool  # a cancel now costs nothing (before the free-cancellation deadline)
    explain_cancel_terms: bool  # a confirmed session ahead: say until when cancelling is free
    give_feedback: bool  # completed and not told us yet ("I didn't love it" only while guarantee_open)
    guarantee_open: bool
    report_absent: bool
    # The supporter's actions.
    accept: bool
    decline: bool
    supporter_cancel: bool
    mark_no_show: bool


def booking_actions(booking: Booking, viewer, at: dt.datetime) -> BookingActions:
    """What ``viewer`` (a User: the booking's seeker or supporter; anyone else may do nothing) may do
    with ``booking`` at ``at``. The windows are the same functions the services call, and the states
    mirror the services' own checks (tests/bookings/test_policy.py holds the two together)."""
    user_id = getattr(viewer, "pk", None)
    seeker = user_id is not None and booking.seeker.user_id == user_id
    supporter = user_id is not None and not seeker and booking.supporter.user_id == user_id
    status = booking.status
    ahead = at < booking.start
    absence_open = absence_window_is_open(booking, at)
    no_feedback = status == Status.COMPLETED and not hasattr(booking, "feedback")
    disputed = booking.supporter_absent_reported_at is not None
    return BookingActions(
        is_seeker=seeker,
        is_supporter=supporter,
        awaiting_answer=status == Status.REQUESTED,
        awaiting_payment=status == Status.PAYMENT_PENDING,
        room=status == Status.CONFIRMED,
        join=join_is_open(booking, at),
        pay=seeker and status == Status.PAYMENT_PENDING,
        withdraw=seeker and status == Status.REQUESTED,
        reschedule=seeker
        and status in (Status.REQUESTED, Status.CONFIRMED)
        and reschedule_is_open(booking, at),
        cancel=seeker and status in (Status.CONFIRMED, Status.PAYMENT_PENDING) and ahead,
        cancel_is_free=is_free_cancellation(booking, at),
        explain_cancel_terms=seeker and status == Status.CONFIRMED and ahead,
        give_feedback=seeker and no_feedback,
        guarantee_open=guarantee_is_open(booking, at),
        report_absent=seeker
        and not disputed
        and absence_open
        and (status in (Status.CONFIRMED, Status.COMPLETED) or _seeker_marked_absent(booking)),
        accept=supporter and status == Status.REQUESTED and at < booking.respond_by,
        decline=supporter and status == Status.REQUESTED,
        supporter_cancel=supporter and status in (Status.CONFIRMED, Status.PAYMENT_PENDING) and ahead,
        mark_no_show=supporter
        and not disputed
        and absence_open
        and status in (Status.CONFIRMED, Status.COMPLETED),
    )


def _seeker_marked_absent(booking: Booking) -> bool:
    return booking.status == Status.NO_SHOW and booking.no_show_by == Booking.Party.SEEKER
