"""One function per booking email. Each writes an outbox row (sent after commit) keyed by (booking, kind).

Emails say when and with whom, and link back to the site. They never carry message text or intake
answers; a seeker's name shown to a supporter is only the first name they chose.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.timezones import format_when
from notifications.services import Attachment, Email, notification_queue, notification_queue_many
from payments.models import Payment
from peersnet.kernel.money import format_cents

from .ics import booking_ics
from .models import Booking
from .policy import money_sentence, policy_terms, refund_sentence


def _when(booking: Booking, user) -> str:
    return format_when(booking.start, user.tzinfo)


def _at(value, user) -> str:
    """Every time in an email carries the reader's zone (accounts.timezones.format_when)."""
    return format_when(value, user.tzinfo)


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _send(
    booking: Booking,
    kind: str,
    user,
    subject: str,
    lines: list[str],
    action: tuple[str, str] | None,
    *,
    attachments=(),
    key_suffix: str = "",
) -> None:
    notification_queue(_email(booking, kind, user, subject, lines, action, attachments, key_suffix))


def _email(
    booking: Booking,
    kind: str,
    user,
    subject: str,
    lines: list[str],
    action: tuple[str, str] | None,
    attachments=(),
    key_suffix: str = "",
) -> Email:
    """A booking email, keyed by (booking, kind): one outbox row each, however often it is queued."""
    return Email(
        key=f"booking-{booking.pk}-{kind}{key_suffix}",
        to=user.email,
        subject=subject,
        template="email/notice",
        context={
            "subject": subject,
            "name": user.get_short_name(),
            "lines": lines,
            "action_label": action[0] if action else "",
            "action_url": action[1] if action else "",
        },
        attachments=list(attachments),
    )


def _invite(booking: Booking, *, for_supporter: bool, cancel: bool = False) -> Attachment:
    return Attachment(
        "peersnet-session.ics",
        booking_ics(booking, cancel=cancel, for_supporter=for_supporter),
        "text/calendar; method=" + ("CANCEL" if cancel else "REQUEST"),
    )


def email_request_received(booking: Booking) -> None:
    supporter = booking.supporter.user
    _send(
        booking,
        "requested",
        supporter,
        "New session request",
        [
            f"{booking.seeker.user.get_short_name()} would like a session with you "
            f"on {_when(booking, supporter)}.",
            f"Please accept or decline by {_at(booking.respond_by, supporter)}. "
            "After that the request expires and the time opens up again.",
        ],
        ("Review the request", _url("bookings:supporter_dashboard")),
    )


@dataclass(frozen=True)
class Receipt:
    """What a receipt says about the payment: the card and when it was paid (from PaymentSucceeded)."""

    card_brand: str = ""
    card_last4: str = ""
    paid_at: dt.datetime | None = None


def _receipt(booking: Booking, receipt: Receipt | None = None) -> list[str]:
    """A receipt line for the confirmation: amount, card, date, what for. ``receipt``: the payment's
    facts when the caller has them; otherwise the booking's successful payment is read."""
    if not booking.amount_paid_cents:
        return []
    if receipt is None:
        payment = (
            Payment.objects.filter(payable_id=booking.payable_id, status=Payment.Status.SUCCEEDED).first()
            if booking.payable_id
            else None
        )
        receipt = (
            Receipt(payment.card_brand, payment.card_last4, payment.succeeded_at) if payment else Receipt()
        )
    card = ""
    if receipt.card_last4:
        card = f" with your {receipt.card_brand.title()} card ending {receipt.card_last4}"
    paid_at = receipt.paid_at or timezone.now()
    return [
        f"Receipt: {format_cents(booking.amount_paid_cents)} paid{card} "
        f"on {_at(paid_at, booking.seeker.user)}, "
        f"for one {settings.SESSION_MINUTES}-minute peer support session (booking {booking.pk}).",
    ]


def email_confirmed(booking: Booking, *, receipt: Receipt | None = None) -> None:
    """Both people hear the session is confirmed (the seeker with the receipt); the two outbox rows are
    written together."""
    seeker = booking.seeker.user
    supporter = booking.supporter.user
    notification_queue_many(
        [
            _email(
                booking,
                "confirmed",
                seeker,
                "Your session is confirmed",
                [
                    f"Your session with {booking.supporter.display_name} is confirmed for "
                    f"{_when(booking, seeker)}.",
                    *_receipt(booking, receipt),
                    "Join the video call here when it's time (the link opens "
                    f"{policy_terms()['join_opens_minutes']} minutes before): {booking.video_url}",
                    "Sessions end on time, so arriving late makes the session shorter. "
                    "A calendar invite is attached.",
                ],
                ("See your session", _url("bookings:detail", booking.pk)),
                [_invite(booking, for_supporter=False)],
            ),
            _email(
                booking,
                "confirmed-supporter",
                supporter,
                "Session confirmed",
                [f"Your session with {seeker.get_short_name()} on {_when(booking, supporter)} is confirmed."],
                ("See the session", _url("bookings:detail", booking.pk)),
                [_invite(booking, for_supporter=True)],
            ),
        ]
    )


def email_not_accepted(booking: Booking, *, knows_seeker: bool = False) -> None:
    """Declined or expired: the seeker hears kindly, with links to other times. A decline because the
    supporter knows the seeker says only that they can't take this session (never why) and points to
    suggestions and our team, since that supporter is gone from the seeker's pages for good."""
    seeker = booking.seeker.user
    if knows_seeker:
        _send(
            booking,
            booking.status,
            seeker,
            "Your request wasn't accepted",
            [
                f"{booking.supporter.display_name} can't take this session.",
                "Nothing was charged. Answer a few questions and we'll suggest supporters who could be a "
                "good fit, or ask our team to suggest someone.",
            ],
            ("See suggestions", _url("matching:start")),
        )
        return
    if booking.status == Booking.Status.DECLINED:
        subject = "Your request wasn't accepted"
        first = f"{booking.supporter.display_name} can't take the session on {_when(booking, seeker)}."
    else:
        subject = "Your request expired"
        first = (
            f"{booking.supporter.display_name} didn't respond in time to your request "
            f"for {_when(booking, seeker)}."
        )
    _send(
        booking,
        booking.status,
        seeker,
        subject,
        [first, "Nothing was charged. There are other open times, with them or with another supporter."],
        ("Find another time", _url("supporters:profile", booking.supporter_id)),
    )


def email_withdrawn(booking: Booking) -> None:
    supporter = booking.supporter.user
    _send(
        booking,
        "withdrawn",
        supporter,
        "A request was withdrawn",
        [
            f"{booking.seeker.user.get_short_name()} withdrew the request for {_when(booking, supporter)}. "
            "The time is open again."
        ],
        ("Your dashboard", _url("bookings:supporter_dashboard")),
    )


def email_cancelled(booking: Booking) -> None:
    """Both sides hear of a cancellation, each with a calendar CANCEL."""
    seeker, supporter = booking.seeker.user, booking.supporter.user
    if booking.status == Booking.Status.CANCELLED_BY_SUPPORTER:
        seeker_lines = [
            f"We're sorry: {booking.supporter.display_name} had to cancel your session "
            f"on {_when(booking, seeker)}.",
            "You won't pay anything for it. Please book another time, with them or with another supporter.",
        ]
        action = ("See their next open times", _url("supporters:profile", booking.supporter_id))
        supporter_lines = [
            f"You cancelled the session with {seeker.get_short_name()} on {_when(booking, supporter)}."
        ]
    else:
        seeker_lines = [
            f"Your session with {booking.supporter.display_name} on {_when(booking, seeker)} is cancelled.",
            money_sentence(booking),
        ]
        action = ("Find another time", _url("supporters:directory"))
        supporter_lines = [f"{seeker.get_short_name()} cancelled the session on {_when(booking, supporter)}."]
    _send(
        booking,
        "cancelled",
        seeker,
        "Your session is cancelled",
        seeker_lines,
        action,
        attachments=[_invite(booking, for_supporter=False, cancel=True)],
    )
    _send(
        booking,
        "cancelled-supporter",
        supporter,
        "A session was cancelled",
        supporter_lines,
        ("Your dashboard", _url("bookings:supporter_dashboard")),
        attachments=[_invite(booking, for_supporter=True, cancel=True)],
    )


def email_rescheduled(booking: Booking) -> None:
    seeker, supporter = booking.seeker.user, booking.supporter.user
    suffix = f"-{booking.ics_sequence}"
    _send(
        booking,
        "rescheduled",
        seeker,
        "Your session has a new time",
        [
            f"Your session with {booking.supporter.display_name} is now on {_when(booking, seeker)}.",
            "The updated calendar invite is attached; the video link stays the same.",
        ],
        ("See your session", _url("bookings:detail", booking.pk)),
        attachments=[_invite(booking, for_supporter=False)],
        key_suffix=suffix,
    )
    _send(
        booking,
        "rescheduled-supporter",
        supporter,
        "A session moved",
        [f"{seeker.get_short_name()} moved your session to {_when(booking, supporter)}."],
        ("See the session", _url("bookings:detail", booking.pk)),
        attachments=[_invite(booking, for_supporter=True)],
        key_suffix=suffix,
    )


def email_reminder(booking: Booking, *, hours: int) -> None:
    for user, other, kind in (
        (booking.seeker.user, booking.supporter.display_name, f"reminder-{hours}h"),
        (booking.supporter.user, booking.seeker.user.get_short_name(), f"reminder-{hours}h-supporter"),
    ):
        _send(
            booking,
            kind,
            user,
            "Your session is tomorrow" if hours == 24 else "Your session starts in an hour",
            [f"A reminder: your session with {other} is on {_when(booking, user)}."],
            ("Open your session", _url("bookings:detail", booking.pk)),
            key_suffix=f"-{int(booking.start.timestamp())}",
        )


def email_intake_reminder(seeker, *, day) -> None:
    """A daily nudge until the intake is done. Says nothing about the answers (there are none yet)."""
    user = seeker.user
    notification_queue(
        Email(
            key=f"intake-reminder-{seeker.pk}-{day.isoformat()}",
            to=user.email,
            subject="A few questions before your first session",
            template="email/notice",
            context={
                "subject": "A few questions before your first session",
                "name": user.get_short_name(),
                "lines": [
                    "Before your first session, please answer a few short questions so your supporter can "
                    "meet you well. It takes about three minutes, and you choose what your supporter sees."
                ],
                "action_label": "Answer the questions",
                "action_url": _url("seekers:intake"),
            },
        )
    )


def email_payment_needed(booking: Booking) -> None:
    """The card on file was declined or needs the bank's check: pay on the site before the deadline."""
    seeker = booking.seeker.user
    _send(
        booking,
        "payment-needed",
        seeker,
        "Please complete your payment",
        [
            f"{booking.supporter.display_name} accepted your session on {_when(booking, seeker)}, "
            "but the payment with your saved card didn't go through.",
            f"Please pay by {_at(booking.payment_due_by, seeker)} to keep the session. "
            "After that the time is "
            "released and nothing is charged.",
        ],
        ("Pay now", _url("bookings:pay", booking.pk)),
    )


def email_released(booking: Booking) -> None:
    seeker, supporter = booking.seeker.user, booking.supporter.user
    _send(
        booking,
        "released",
        seeker,
        "Your session was released",
        [
            f"The payment for your session with {booking.supporter.display_name} on {_when(booking, seeker)} "
            "wasn't completed in time, so the time has been released. Nothing was charged.",
            "You're welcome to book again whenever you're ready.",
        ],
        ("Find a time", _url("supporters:profile", booking.supporter_id)),
    )
    _send(
        booking,
        "released-supporter",
        supporter,
        "A session was released",
        [
            f"The session with {booking.seeker.user.get_short_name()} on {_when(booking, supporter)} "
            "wasn't paid in "
            "time, so it was released and the time is open again."
        ],
        ("Your dashboard", _url("bookings:supporter_dashboard")),
    )


def email_feedback_request(booking: Booking) -> None:
    """After a session: how did it go? One click for the money-back guarantee."""
    seeker = booking.seeker.user
    _send(
        booking,
        "feedback",
        seeker,
        "How was your session?",
        [
            f"Thank you for meeting {booking.supporter.display_name}. We'd love to know how it went.",
            "If you didn't love it, you can get your money back with one click in the next "
            f"{policy_terms()['guarantee_days']} days. No questions asked.",
        ],
        ("Tell us how it went", _url("bookings:feedback", booking.pk)),
    )


def email_request_moved(booking: Booking) -> None:
    """A seeker moved a request the supporter hasn't answered yet: the supporter sees the new time."""
    supporter = booking.supporter.user
    _send(
        booking,
        "request-moved",
        supporter,
        "A session request has a new time",
        [
            f"{booking.seeker.user.get_short_name()} changed their request to {_when(booking, supporter)}.",
            f"Please accept or decline by {_at(booking.respond_by, supporter)}.",
        ],
        ("Review the request", _url("bookings:supporter_dashboard")),
        key_suffix=f"-{booking.ics_sequence}",
    )


def email_refunded(booking: Booking, *, refund_id: int, amount_cents: int) -> None:
    """A refund of the session's fee reached Stripe (any cause: a free cancellation, the supporter's
    cancel or absence, the guarantee, staff): the seeker hears the amount and when to expect it. One
    email per refund."""
    seeker = booking.seeker.user
    _send(
        booking,
        "refund",
        seeker,
        "Your refund is on its way",
        [
            f"About your session with {booking.supporter.display_name} on {_when(booking, seeker)}.",
            refund_sentence(amount_cents),
        ],
        ("See your session", _url("bookings:detail", booking.pk)),
        key_suffix=f"-{refund_id}",
    )
