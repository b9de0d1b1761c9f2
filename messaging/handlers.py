"""What messaging does when bookings announces something (registered in MessagingConfig.ready())."""

from bookings.events import BookingConfirmed, BookingRequested, SessionCompleted
from bookings.models import Booking

from . import services


def on_booking_changed(event: BookingRequested | BookingConfirmed | SessionCompleted) -> None:
    """A booking exists (requested, confirmed or completed): the pair's conversation exists and stays open
    until 90 days after their latest session. Runs in bookings' transaction with the booking locked (or
    just created); takes the conversation row's lock after it."""
    if not isinstance(event, BookingRequested) and services.conversation_extend(booking_id=event.booking_id):
        return  # the usual case: the request made the conversation; one UPDATE moved its end on
    booking = Booking.objects.only("seeker_id", "supporter_id", "end").get(pk=event.booking_id)
    services.conversation_open(
        seeker_id=booking.seeker_id, supporter_id=booking.supporter_id, until=booking.end
    )
