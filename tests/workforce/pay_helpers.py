"""Shared makers for the supervision and pay tests."""

import datetime as dt
from zoneinfo import ZoneInfo

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from bookings.models import Booking
from tests.factories import BookingFactory, StaffFactory, SupporterFactory
from workforce.models import PayRate

LA = ZoneInfo("America/Los_Angeles")
SECRET = "JBSWY3DPEHPK3PXP"


def pt(*args) -> dt.datetime:
    """An aware datetime in Pacific time: pt(2026, 11, 30, 23, 30)."""
    return dt.datetime(*args, tzinfo=LA)


def staff_with_role(role: str, **kwargs):
    user = StaffFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role))
    TOTP.activate(user, SECRET)
    return user


def paid_supporter(*, cents: int = 2500, since: dt.date = dt.date(2026, 1, 1), **kwargs):
    """An active supporter with two-factor on and an open hourly rate from ``since``."""
    supporter = SupporterFactory(**kwargs)
    TOTP.activate(supporter.user, SECRET)
    PayRate.objects.create(supporter=supporter, hourly_cents=cents, effective_from=since)
    return supporter


def session_at(supporter, start: dt.datetime, status=Booking.Status.COMPLETED, **kwargs) -> Booking:
    """A past booking of ``supporter`` starting at ``start`` in the given status."""
    return BookingFactory(
        slot__supporter=supporter,
        slot__start=start,
        status=status,
        requested_at=start - dt.timedelta(days=3),
        respond_by=start - dt.timedelta(days=2),
        **kwargs,
    )
