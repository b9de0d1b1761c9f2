"""What bookings announces (peersnet.kernel.events), from booking_transition (and, for a new request,
from booking_request through ``announce_requested``), in its transaction with the booking row locked.
The apps above bookings (messaging, safety, workforce, ...) register handlers."""

from dataclasses import dataclass

from peersnet.kernel.events import Event


@dataclass(frozen=True)
class BookingRequested(Event):
    """A seeker asked for a slot (from booking_request, the slot taken and the booking written): the two
    people now have a booking together (messaging opens their conversation), and the waitlist ends the
    seeker's place on that supporter's list, and its offer if this was the held slot."""

    booking_id: int
    seeker_user_id: int
    supporter_id: int
    slot_id: int


@dataclass(frozen=True)
class BookingConfirmed(Event):
    """A session is confirmed: paid, paid with a gift credit, or free."""

    booking_id: int


@dataclass(frozen=True)
class SessionCompleted(Event):
    """A confirmed session's end has passed: it happened."""

    booking_id: int


@dataclass(frozen=True)
class BookingEnded(Event):
    """A booking left the states that hold its slot (declined, expired, withdrawn, released, cancelled
    in any way). ``status`` is where it ended; ``money`` the decided outcome for the fee."""

    booking_id: int
    status: str
    money: str
