"""Shared set-up of the waitlist tests: a supporter who works Monday and Tuesday mornings (Pacific), a
clock frozen on a Wednesday, and bookings made through the real services so slots open the real way."""

import datetime as dt
from zoneinfo import ZoneInfo

from bookings import services as bookings
from payments.services import seeker_card
from supporters import services as supporter_services
from supporters.models import Slot
from tests.factories import SeekerFactory, SupporterFactory
from tests.payments.helpers import give_card
from waitlist import services
from waitlist.models import WaitlistEntry

PT = ZoneInfo("America/Los_Angeles")
NY = ZoneInfo("America/New_York")


def at(text: str, tz=PT) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=tz)


# Wednesday 2 December 2026, noon Pacific: far from any clock change.
NOW = at("2026-12-02 12:00")
MONDAY_9AM = at("2026-12-07 09:00")
MONDAY_10AM = at("2026-12-07 10:00")
MONDAY_11AM = at("2026-12-07 11:00")
TUESDAY_10AM = at("2026-12-08 10:00")
MONDAY, TUESDAY, WEDNESDAY = 0, 1, 2


def mornings_supporter(**kwargs):
    """Mondays and Tuesdays 09:00–12:00 Pacific."""
    supporter = SupporterFactory(**kwargs)
    for weekday in (MONDAY, TUESDAY):
        supporter_services.rule_create(
            supporter=supporter, weekday=weekday, start_time=dt.time(9), end_time=dt.time(12)
        )
    return supporter


def seeker(tz: str = "America/Los_Angeles", **kwargs):
    return SeekerFactory(user__time_zone=tz, **kwargs)


def slot_at(supporter, start: dt.datetime) -> Slot:
    return Slot.objects.get(supporter=supporter, start=start)


def request(who, slot):
    """A request as the booking page makes it (a saved card first: the service insists)."""
    if seeker_card(seeker=who) is None:
        give_card(who)
    return bookings.booking_request(seeker=who, slot_id=slot.pk, confirms_no_personal_relationship=True)


def withdraw(booking):
    return bookings.booking_withdraw(booking_id=booking.pk, seeker=booking.seeker)


def join(who, supporter, *, days=(MONDAY,), hours=(9, 12)) -> WaitlistEntry:
    return services.waitlist_join(
        seeker=who, supporter_id=supporter.pk, weekdays=days, from_hour=hours[0], until_hour=hours[1]
    )
