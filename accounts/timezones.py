"""IANA time zone names: validation and the choices offered in forms."""

import zoneinfo
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@cache
def timezone_names() -> tuple[str, ...]:
    """Canonical zone names people pick from (no legacy aliases like "US/Pacific" or "Etc/GMT+8")."""
    names = zoneinfo.available_timezones()
    return tuple(
        sorted(
            name
            for name in names
            if "/" in name
            and not name.startswith(
                ("Etc/", "SystemV/", "US/", "Brazil/", "Canada/", "Chile/", "Mexico/", "posix/", "right/")
            )
        )
        + ["UTC"]
    )


def is_valid_timezone(name: str) -> bool:
    return name in timezone_names()


def validate_timezone(value: str) -> None:
    if not is_valid_timezone(value):
        raise ValidationError(
            _("Choose a time zone from the list, such as America/Chicago."), code="invalid_tz"
        )


def timezone_choices() -> list[tuple[str, str]]:
    return [
        (
            name,
            f"{name.replace('_', ' ')} ({FRIENDLY_ZONE_NAMES[name]})"
            if name in FRIENDLY_ZONE_NAMES
            else name.replace("_", " "),
        )
        for name in timezone_names()
    ]


def zone(name: str | None) -> ZoneInfo:
    """The ZoneInfo for a stored name, falling back to the site default for anything unknown."""
    if name and is_valid_timezone(name):
        return ZoneInfo(name)
    return ZoneInfo(settings.DEFAULT_USER_TIME_ZONE)


# --- Times shown to people: one 12-hour format, always with its zone ---------------------------------

FRIENDLY_ZONE_NAMES = {
    "America/New_York": "Eastern Time",
    "America/Detroit": "Eastern Time",
    "America/Toronto": "Eastern Time",
    "America/Indiana/Indianapolis": "Eastern Time",
    "America/Chicago": "Central Time",
    "America/Winnipeg": "Central Time",
    "America/Denver": "Mountain Time",
    "America/Edmonton": "Mountain Time",
    "America/Phoenix": "Arizona Time",
    "America/Los_Angeles": "Pacific Time",
    "America/Vancouver": "Pacific Time",
    "America/Anchorage": "Alaska Time",
    "Pacific/Honolulu": "Hawaii Time",
    "America/Halifax": "Atlantic Time",
    "America/St_Johns": "Newfoundland Time",
    "America/Puerto_Rico": "Atlantic Time",
    "Europe/London": "UK Time",
    "UTC": "UTC",
}


def friendly_zone_name(name: str) -> str:
    """ "Pacific Time" for America/Los_Angeles; other zones read as their city ("Europe/Berlin" ->
    "Berlin time")."""
    if name in FRIENDLY_ZONE_NAMES:
        return FRIENDLY_ZONE_NAMES[name]
    return f"{name.rsplit('/', 1)[-1].replace('_', ' ')} time"


def format_when(value, tz=None, *, weekday: bool = True) -> str:
    """The one way a date and time is shown to a person, on pages, forms and emails: 12-hour clock and
    the zone it is in, "Monday 7 December, 3:00 PM Pacific Time (PST)". ``tz`` is a ZoneInfo (default:
    the current zone, the viewer's on a page)."""
    from django.utils import timezone as djtz

    if value is None:
        return ""
    tz = tz or djtz.get_current_timezone()
    local = djtz.localtime(value, tz)
    day = f"{local:%A %-d %B}" if weekday else f"{local:%-d %B %Y}"
    return f"{day}, {local:%-I:%M %p} {friendly_zone_name(str(tz))} ({local.tzname()})"
