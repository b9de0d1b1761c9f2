"""Operating hours (when sessions can happen, in Pacific time) and the booking window."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from ..availability import END_OF_DAY, local_instant
from ..models import AvailabilityRule, OperatingHours

DEFAULT_OPERATING_HOURS = {weekday: (dt.time(9), dt.time(21)) for weekday in range(5)}  # Mon–Fri 9am–9pm PT


def ops_zone() -> ZoneInfo:
    return ZoneInfo(settings.OPERATIONS_TIME_ZONE)


def operating_hours() -> dict[int, tuple[dt.time, dt.time]]:
    """Weekday -> (opens, closes) in Pacific time. The defaults apply until staff save their own."""
    rows = list(OperatingHours.objects.values_list("weekday", "opens_at", "closes_at"))
    if not rows:
        return dict(DEFAULT_OPERATING_HOURS)
    return {weekday: (opens, closes) for weekday, opens, closes in rows}


def describe_operating_hours(tz: ZoneInfo) -> str:
    """Operating hours in words, in Pacific time and (when different) in ``tz``, for messages.

    Consecutive days with the same hours are grouped: "Monday to Friday, 9am–9pm Pacific (…your time)".
    """
    names = dict(AvailabilityRule.Weekday.choices)
    groups: list[list] = []  # [first weekday, last weekday, opens, closes]
    for weekday, (opens, closes) in sorted(operating_hours().items()):
        if groups and groups[-1][1] == weekday - 1 and groups[-1][2:] == [opens, closes]:
            groups[-1][1] = weekday
        else:
            groups.append([weekday, weekday, opens, closes])
    today = timezone.now().astimezone(ops_zone()).date()
    parts = []
    for first, last, opens, closes in groups:
        days = names[first] if first == last else f"{names[first]} to {names[last]}"
        # Closing at 23:59 means midnight (see availability.within_operating_hours).
        closes_day_offset, closes = (1, dt.time(0)) if closes >= END_OF_DAY else (0, closes)
        text = f"{days}, {_hm(opens)}–{_hm(closes)} Pacific"
        if tz.key != ops_zone().key:
            day = today + dt.timedelta(days=(first - today.weekday()) % 7)
            o = local_instant(day, opens, ops_zone())
            c = local_instant(day + dt.timedelta(days=closes_day_offset), closes, ops_zone())
            if o and c:
                text += f" ({_hm(o.astimezone(tz).time())}–{_hm(c.astimezone(tz).time())} your time)"
        parts.append(text)
    return "; ".join(parts)


def _hm(value: dt.time) -> str:
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "noon"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def bookable_window(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """The instants between which a session can be booked now: minimum notice to horizon."""
    now = now or timezone.now()
    return now + settings.MIN_BOOKING_NOTICE, now + settings.BOOKING_HORIZON
