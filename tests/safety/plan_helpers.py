"""People around one seeker's safety plan, for the plan tests (services, pages, privacy, browser)."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from accounts.models import User
from bookings.models import Booking
from safety.models.plans import SECTION_KEYS
from seekers.models import SeekerProfile
from supporters.models import SupporterProfile
from tests.factories import BookingFactory, SeekerFactory, StaffFactory

SECRET = "JBSWY3DPEHPK3PXP"


def staff_in(role: str | None) -> User:
    user = StaffFactory()
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    TOTP.activate(user, SECRET)
    return user


@dataclass
class PlanWorld:
    seeker: SeekerProfile
    supporter: SupporterProfile  # current: a confirmed session in three days
    booking: Booking
    past_supporter: SupporterProfile  # a completed session 91 days ago: no longer current
    other_supporter: SupporterProfile  # sessions with someone else only
    other_seeker: SeekerProfile
    supervisor: User
    operations: User  # staff, not a supervisor


def plan_world() -> PlanWorld:
    """Needs a frozen clock: the 90-day line is counted from now."""
    seeker = SeekerFactory(user__first_name="Robin")
    booking = BookingFactory(
        seeker=seeker, status=Booking.Status.CONFIRMED, slot__supporter__display_name="Jess Rivera"
    )
    past = BookingFactory(seeker=seeker, status=Booking.Status.COMPLETED, hours_ahead=-24 * 91)
    other = BookingFactory(status=Booking.Status.CONFIRMED)
    for profile in (booking.supporter, past.supporter, other.supporter):
        TOTP.activate(profile.user, SECRET)
    return PlanWorld(
        seeker=seeker,
        supporter=booking.supporter,
        booking=booking,
        past_supporter=past.supporter,
        other_supporter=other.supporter,
        other_seeker=other.seeker,
        supervisor=staff_in("supervisor"),
        operations=staff_in("operations"),
    )


def sections(**texts: str) -> dict[str, str]:
    return {key: texts.get(key, "") for key in SECTION_KEYS}


def form_data(base_version: int, **texts: str) -> dict[str, str]:
    return {"base_version": str(base_version), **sections(**texts)}
