"""Kept so older imports keep working; the one factory module is tests/factories.py."""

from tests.factories import (
    BookingFactory,
    hour_from_now,
    offer_the_hour_of,
    offered_booking,
    offered_hour_from_now,
)

__all__ = ["BookingFactory", "hour_from_now", "offer_the_hour_of", "offered_booking", "offered_hour_from_now"]
