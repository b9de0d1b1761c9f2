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
    return [(name, name.replace("_", " ")) for name in timezone_names()]


def zone(name: str | None) -> ZoneInfo:
    """The ZoneInfo for a stored name, falling back to the site default for anything unknown."""
    if name and is_valid_timezone(name):
        return ZoneInfo(name)
    return ZoneInfo(settings.DEFAULT_USER_TIME_ZONE)
