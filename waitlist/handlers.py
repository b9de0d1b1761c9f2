"""How the waitlist reacts to what the apps below announce (registered in WaitlistConfig.ready()). Both
handlers run synchronously inside the announcer's transaction; the emails they queue go after commit
through the outbox."""

from bookings.events import BookingRequested
from supporters.events import HorizonRolled, SlotsOpened

from . import services


def on_slots_opened(event: SlotsOpened) -> None:
    """Slots turned open: hold each for the first matching person in line. The announcer (supporters'
    slot_free or a regeneration) holds the supporter row lock, and the slot's when one was freed."""
    services.offers_make_for_opened(supporter_id=event.supporter_id, starts=event.starts)


def on_horizon_rolled(event: HorizonRolled) -> None:
    """The daily roll added a batch of supporters' new slots: offer them to whoever waits for them (one
    query when nobody waits for anyone in the batch)."""
    services.offers_make_for_rolled(openings=event.openings)


def on_booking_requested(event: BookingRequested) -> None:
    """A seeker asked for a time: their place on that supporter's list ends, and a hold on it is used.
    booking_request holds the slot it took; this locks the seeker's waitlist rows."""
    services.waitlist_booked(
        seeker_user_id=event.seeker_user_id, supporter_id=event.supporter_id, slot_id=event.slot_id
    )
