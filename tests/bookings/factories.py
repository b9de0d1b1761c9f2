import datetime as dt

import factory
from django.conf import settings
from django.utils import timezone

from bookings.models import Booking
from bookings.policy import request_deadline
from supporters.models import Slot
from tests.factories import SeekerFactory
from tests.supporters.factories import SlotFactory


def hour_from_now(hours: float) -> dt.datetime:
    start = timezone.now() + dt.timedelta(hours=hours)
    return start.replace(minute=0, second=0, microsecond=0)


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking holding its own slot (status and slot status agree)."""

    class Meta:
        model = Booking

    class Params:
        hours_ahead = 72

    seeker = factory.SubFactory(SeekerFactory)
    slot = factory.SubFactory(
        SlotFactory,
        start=factory.LazyAttribute(lambda o: hour_from_now(o.factory_parent.hours_ahead)),
        status=factory.LazyAttribute(
            lambda o: (
                Slot.Status.HELD
                if o.factory_parent.status in (Booking.Status.REQUESTED, Booking.Status.PAYMENT_PENDING)
                else Slot.Status.BOOKED
            )
        ),
    )
    supporter = factory.LazyAttribute(lambda o: o.slot.supporter)
    start = factory.LazyAttribute(lambda o: o.slot.start)
    end = factory.LazyAttribute(lambda o: o.slot.end)
    status = Booking.Status.REQUESTED
    requested_at = factory.LazyFunction(timezone.now)
    respond_by = factory.LazyAttribute(
        lambda o: request_deadline(requested_at=o.requested_at, start=o.slot.start)
    )
    price_cents = settings.SESSION_PRICE_CENTS
    # Accepted bookings in these tests were paid; payment rows themselves are tested in tests/payments.
    amount_paid_cents = factory.LazyAttribute(
        lambda o: (
            0 if o.status in (Booking.Status.REQUESTED, Booking.Status.PAYMENT_PENDING) else o.price_cents
        )
    )
    money = factory.LazyAttribute(
        lambda o: Booking.Money.CHARGE if o.status not in (Booking.Status.REQUESTED,) else Booking.Money.NONE
    )
