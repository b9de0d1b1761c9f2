"""The seeker age rule (DESIGN §4): 18 to 30 inclusive on the day of sign-up, in the person's own zone."""

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from .timezones import zone


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years completed on ``day``. Someone born on 29 February has their birthday on 1 March."""
    had_birthday = (day.month, day.day) >= (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - (0 if had_birthday else 1)


def today_in(time_zone: str, *, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(zone(time_zone)).date()


def is_eligible_seeker_age(date_of_birth: date, time_zone: str, *, now: datetime | None = None) -> bool:
    """True from the 18th birthday up to and including the day before the 31st, in ``time_zone``."""
    age = age_on(date_of_birth, today_in(time_zone, now=now))
    return settings.SEEKER_MIN_AGE <= age <= settings.SEEKER_MAX_AGE
