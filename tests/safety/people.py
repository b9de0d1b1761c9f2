"""People and records for the mandatory report and backup tests (plain functions, no fixtures to share)."""

from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.models import Group

from bookings.models import Booking
from safety import services
from tests.factories import BookingFactory, SeekerFactory, StaffFactory

SECRET = "JBSWY3DPEHPK3PXP"
DISCLOSED = "DISCLOSED-secret-words about a child at home"
STEPS = "STEPS-secret gave 988 and stayed on the call"


def supervisor(**kwargs):
    user = StaffFactory(**kwargs)
    user.groups.add(Group.objects.get_or_create(name="supervisor")[0])
    TOTP.activate(user, SECRET)
    return user


def with_mfa(user):
    if not is_mfa_enabled(user):
        TOTP.activate(user, SECRET)
    return user


def session(**kwargs) -> Booking:
    kwargs.setdefault("status", Booking.Status.CONFIRMED)
    booking = BookingFactory(**kwargs)
    with_mfa(booking.supporter.user)
    return booking


def filed(booking=None, **kwargs):
    booking = booking or session()
    return services.report_file(
        supporter=booking.supporter,
        booking_id=booking.pk,
        concern_type=kwargs.get("concern_type", "child"),
        disclosed=kwargs.get("disclosed", DISCLOSED),
        steps_taken=kwargs.get("steps_taken", STEPS),
    )


def outsiders():
    """Another supporter (with a session of their own), a seeker, staff without the supervisor role."""
    other = session()
    staff = with_mfa(StaffFactory())
    return {"supporter": other.supporter.user, "seeker": SeekerFactory().user, "staff": staff}
