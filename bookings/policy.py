"""The booking rules that depend on time and on who acts: the one place that decides what happens to the fee.

Nothing here writes. Services ask; the payments app carries out the money part later.
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

from .models import Booking

Status = Booking.Status
Money = Booking.Money


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


def money_sentence(booking: Booking) -> str:
    """What the booking's money outcome means for the seeker, in one sentence (pages and emails)."""
    late = booking.status == Status.LATE_CANCELLED
    if booking.money == Money.REFUND_FULL:
        if booking.paid_with_credit:
            return "Your gift session is back in your account, ready to book again."
        return "The full fee is refunded to your card; it can take a few days to show."
    if booking.money == Money.KEEP_FEE:
        what = "the gift session is used" if booking.paid_with_credit else "the full fee is kept"
        if late:
            return f"Because it was less than 24 hours before the start, {what}."
        return f"{what[0].upper()}{what[1:]}."
    return "You won't pay anything for it."
