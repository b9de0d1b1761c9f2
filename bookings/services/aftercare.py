"""After the session: completion, feedback and the money-back guarantee, no-shows on either side."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from seekers.models import SeekerProfile
from supporters.models import SupporterProfile

from .. import emails
from ..models import Booking, BookingEvent, SessionFeedback
from ..policy import Action, absence_window_is_open, guarantee_is_open, policy_terms
from .transition import BookingError, Status, _locked, booking_transition

# --- After the session ---------------------------------------------------------------------------


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
    *,
    booking_id: int,
    seeker: SeekerProfile,
    loved: bool,
    comment: str = "",
    rating: int | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """The seeker says how a completed session went. "I didn't love it" within 7 days of the end is the
    money-back guarantee: completed -> refunded with a full refund, no questions asked, once per booking.
    The optional 1–5 ``rating`` and ``comment`` are private to supervisors and change nothing else."""
    now = now or timezone.now()
    if rating is not None and not 1 <= rating <= 5:
        raise BookingError(_("Choose a rating from 1 to 5, or none."), code="bad_rating")
    booking = _locked(booking_id, seeker=seeker)
    if SessionFeedback.objects.filter(booking=booking).exists():
        return booking
    if booking.status != Status.COMPLETED:
        raise BookingError(_("You can tell us how it went once the session has ended."), code="bad_state")
    if not loved and not guarantee_is_open(booking, now):
        raise BookingError(
            _(
                "The money-back guarantee lasts %(guarantee_days)s days after a session, "
                "and this one has passed."
            )
            % policy_terms(),
            code="too_late",
        )
    SessionFeedback.objects.create(
        booking=booking, loved=loved, rating=rating, comment=comment.strip()[:2000]
    )
    if not loved:
        booking_transition(
            booking, action=Action.GUARANTEE, by=seeker.user, at=now, reason="money-back guarantee"
        )
    return booking


@transaction.atomic
def booking_mark_seeker_no_show(
    *, booking_id: int, supporter: SupporterProfile, now: dt.datetime | None = None
) -> Booking:
    """The supporter says the seeker didn't come: possible while the policy's absence window is open
    (from 10 minutes after the start until 48 h after the end). The fee is kept. Safe to repeat."""
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
    if not absence_window_is_open(booking, now):
        raise BookingError(
            _(
                "A no-show can be marked from %(absence_opens_minutes)s minutes after the start until "
                "%(absence_closes_hours)s hours after the end."
            )
            % policy_terms(),
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
    if not absence_window_is_open(booking, now):
        raise BookingError(
            _(
                "You can tell us from %(absence_opens_minutes)s minutes after the start until "
                "%(absence_closes_hours)s hours after the end."
            )
            % policy_terms(),
            code="window",
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
