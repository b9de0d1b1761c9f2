"""What bookings holds about a person, for their export and their account's deletion (privacy.registry;
registered in BookingsConfig.ready()).

Deletion cancels future sessions through the normal services, so the rules, refunds and emails are those
of any cancellation: the seeker's requests are withdrawn and sessions cancelled (free ≥ 24 h ahead, the
fee kept later); a supporter's requests are declined and sessions cancelled by the supporter (always a
full refund). The bookings themselves stay, anonymised with their people, for supporters' records and
pay; what people wrote on them (feedback comments, private reasons) is erased.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Prefetch, Q, Sum

from accounts.models import User
from accounts.timezones import format_when
from payments.models import Refund
from peersnet.kernel.money import format_cents
from privacy.registry import iso

from .models import Booking, BookingEvent, SessionFeedback
from .policy import Action, decide, late_cancel_outcome, policy_terms
from .services import (
    BookingError,
    booking_cancel_by_seeker,
    booking_cancel_by_supporter,
    booking_decline,
    booking_withdraw,
)

logger = logging.getLogger(__name__)

Status = Booking.Status
UPCOMING = (Status.REQUESTED, Status.PAYMENT_PENDING, Status.CONFIRMED)


def _upcoming(queryset, now: dt.datetime):
    return queryset.filter(status__in=UPCOMING, start__gt=now).select_related("supporter", "seeker__user")


# Money handed back on a booking's payable: refunds sent or on their way (not cancelled ones).
REFUNDED = Sum(
    "payable__payments__refunds__amount_cents",
    filter=~Q(payable__payments__refunds__status=Refund.Status.CANCELED),
    default=0,
)


def _money(booking: Booking) -> dict:
    refunded = booking.refunded_cents
    return {
        "price_cents": booking.price_cents,
        "paid_with_gift_session": booking.paid_with_credit,
        "charged_cents": booking.amount_paid_cents,
        "refunded_cents": refunded,
        "kept_cents": max(booking.amount_paid_cents - refunded, 0),
        "outcome": booking.get_money_display() if booking.money else "",
    }


def export_seeker_bookings(user: User) -> list:
    """The seeker's sessions and requests: times in UTC with their zone, status, money, their feedback."""
    bookings = (
        Booking.objects.filter(seeker__user=user)
        .select_related("supporter", "feedback")
        .annotate(refunded_cents=REFUNDED)
        .order_by("start", "pk")
    )
    rows = []
    for booking in bookings:
        feedback = getattr(booking, "feedback", None)
        rows.append(
            {
                "id": booking.pk,
                "supporter": booking.supporter.display_name,
                "start": iso(booking.start),
                "end": iso(booking.end),
                "time_zone": user.time_zone,
                "start_local": booking.start.astimezone(user.tzinfo).isoformat(),
                "status": booking.get_status_display(),
                "requested_at": iso(booking.requested_at),
                "money": _money(booking),
                "feedback": (
                    {"loved": feedback.loved, "comment": feedback.comment, "at": iso(feedback.created_at)}
                    if feedback
                    else None
                ),
            }
        )
    return rows


def export_supporter_sessions(user: User) -> list:
    """A supporter's sessions: times, status and their own private reasons; never the seekers' data."""
    bookings = Booking.objects.filter(supporter__user=user).order_by("start", "pk")
    events = Prefetch(
        "events", queryset=BookingEvent.objects.filter(actor=user).exclude(to_status=Status.REQUESTED)
    )
    return [
        {
            "id": booking.pk,
            "start": iso(booking.start),
            "end": iso(booking.end),
            "time_zone": user.time_zone,
            "status": booking.get_status_display(),
            "your_reason": booking.decline_reason,
            "your_actions": [
                {"at": iso(event.at), "to": event.to_status, "reason": event.reason}
                for event in booking.events.all()
            ],
        }
        for booking in bookings.prefetch_related(events)
    ]


def _seeker_line(booking: Booking, user: User, now: dt.datetime) -> str:
    when = f"{format_when(booking.start, user.tzinfo)} with {booking.supporter.display_name}"
    if booking.status == Status.REQUESTED:
        return f"Your request for {when} is withdrawn."
    decision = decide(booking, Action.CANCEL_BY_SEEKER, at=now)
    if decision.to_status == Status.CANCELLED:
        if booking.paid_with_credit:
            return f"{when}: cancelled for free. The gift session can't be used once your account is deleted."
        if booking.amount_paid_cents:
            return (
                f"{when}: cancelled for free; the {format_cents(booking.amount_paid_cents)} is refunded to "
                "your card (usually within 5 to 10 business days)."
            )
        return f"{when}: cancelled; you pay nothing for it."
    hours = policy_terms()["free_cancellation_hours"]
    return f"{when}: cancelled less than {hours} hours ahead, so {late_cancel_outcome(booking)}."


def consequences(user: User, *, now: dt.datetime) -> list[str]:
    """What deletion does to each upcoming session, by the rules that apply now."""
    lines = [
        _seeker_line(b, user, now)
        for b in _upcoming(Booking.objects.filter(seeker__user=user), now).order_by("start")
    ]
    for booking in _upcoming(Booking.objects.filter(supporter__user=user), now).order_by("start"):
        when = format_when(booking.start, user.tzinfo)
        if booking.status == Status.REQUESTED:
            lines.append(f"Request for {when}: declined.")
        else:
            lines.append(f"Session {when}: cancelled by the supporter; the seeker is refunded in full.")
    return lines


def erase(user: User, *, now: dt.datetime) -> None:
    """Cancel the person's upcoming sessions by the normal rules, then erase what people wrote on their
    bookings. Runs in the deletion's transaction with the user row locked (each service locks its
    booking)."""
    for booking in _upcoming(Booking.objects.filter(seeker__user=user), now).order_by("start"):
        try:
            if booking.status == Status.REQUESTED:
                booking_withdraw(booking_id=booking.pk, seeker=booking.seeker, now=now)
            else:
                booking_cancel_by_seeker(booking_id=booking.pk, seeker=booking.seeker, now=now)
        except BookingError as exc:
            logger.warning("deletion: booking %s not cancelled: %s", booking.pk, exc.message)
    for booking in _upcoming(Booking.objects.filter(supporter__user=user), now).order_by("start"):
        try:
            if booking.status == Status.REQUESTED:
                booking_decline(booking_id=booking.pk, supporter=booking.supporter, now=now)
            else:
                booking_cancel_by_supporter(booking_id=booking.pk, supporter=booking.supporter, now=now)
        except BookingError as exc:
            logger.warning("deletion: booking %s not cancelled: %s", booking.pk, exc.message)
    SessionFeedback.objects.filter(booking__seeker__user=user).update(comment="")
    # Private reasons: those given about the person's requests, and those the person gave (a supporter).
    Booking.objects.filter(seeker__user=user).update(decline_reason="")
    Booking.objects.filter(supporter__user=user).update(decline_reason="")
    BookingEvent.objects.filter(booking__seeker__user=user).exclude(actor=None).exclude(
        to_status=Status.REQUESTED
    ).exclude(actor=user).update(reason="")
    BookingEvent.objects.filter(actor=user).exclude(to_status=Status.REQUESTED).update(reason="")
