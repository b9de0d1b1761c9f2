"""Every booking state change. Each service locks the booking, decides on the locked row, refuses an
invalid change with a message a person can read, returns quietly when the change already happened,
writes a BookingEvent, and queues its emails in the outbox (sent after commit).

Split by sub-domain; callers import the package (`from bookings import services`) and never a
submodule, so this module re-exports every public name:

- transition: the one place a status changes (booking_transition), the errors
- requests: request, accept, decline, expire, withdraw, and paying an accepted request
- changes: cancelling and moving a session, cancelling what falls inside a supporter's leave
- aftercare: completion, feedback and the guarantee, no-shows
- periodic: the Celery beat sweeps and reminders
"""

from .aftercare import (
    booking_complete,
    booking_confirm_supporter_no_show,
    booking_feedback,
    booking_mark_seeker_no_show,
    booking_report_supporter_absent,
)
from .changes import (
    SEEKER_CANCELLED,
    booking_cancel_by_seeker,
    booking_cancel_by_supporter,
    booking_reschedule,
    bookings_cancel_inside_leave,
)
from .periodic import (
    REMINDERS,
    bookings_complete_due,
    bookings_expire_due,
    bookings_release_due,
    bookings_send_reminders,
    credits_settle_due,
    intake_send_reminders,
)
from .requests import (
    CardNeeded,
    booking_accept,
    booking_decline,
    booking_expire,
    booking_pay,
    booking_pay_check,
    booking_payment_failed,
    booking_payment_succeeded,
    booking_release,
    booking_request,
    booking_request_payment_check,
    booking_withdraw,
    seeker_has_booked_with,
)
from .transition import BookingError, SlotTaken, Status, booking_transition

__all__ = [
    "REMINDERS",
    "SEEKER_CANCELLED",
    "BookingError",
    "CardNeeded",
    "SlotTaken",
    "Status",
    "booking_accept",
    "booking_cancel_by_seeker",
    "booking_cancel_by_supporter",
    "booking_complete",
    "booking_confirm_supporter_no_show",
    "booking_decline",
    "booking_expire",
    "booking_feedback",
    "booking_mark_seeker_no_show",
    "booking_pay",
    "booking_pay_check",
    "booking_payment_failed",
    "booking_payment_succeeded",
    "booking_release",
    "booking_report_supporter_absent",
    "booking_request",
    "booking_request_payment_check",
    "booking_reschedule",
    "booking_transition",
    "booking_withdraw",
    "bookings_cancel_inside_leave",
    "bookings_complete_due",
    "bookings_expire_due",
    "bookings_release_due",
    "bookings_send_reminders",
    "credits_settle_due",
    "intake_send_reminders",
    "seeker_has_booked_with",
]
