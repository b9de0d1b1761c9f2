"""Operating hours (when sessions can happen, in Pacific time) and the booking window."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from ..availability import END_OF_DAY, local_instant, within_operating_hours
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


@dataclass(frozen=True)
class OperatingChoices:
    """What the weekly-hours form offers in a supporter's zone: the weekdays with any bookable hour, and
    the start and end hours that fall inside the operating hours on at least one of them."""

    weekdays: tuple[int, ...]
    start_hours: tuple[int, ...]
    end_hours: tuple[int, ...]  # 24 means midnight


def operating_choices(
    tz: ZoneInfo, *, hours: dict[int, tuple[dt.time, dt.time]] | None = None, now: dt.datetime | None = None
) -> OperatingChoices:
    """The days and hours inside the operating window, seen from ``tz`` over the coming week (the service
    still checks each window exactly, day by day). ``hours``: operating_hours(), if already read."""
    hours, ops = hours if hours is not None else operating_hours(), ops_zone()
    today = timezone.localtime(now or timezone.now(), tz).date()
    weekdays, starts, ends = set(), set(), set()
    for offset in range(7):
        day = today + dt.timedelta(days=offset)
        for hour in range(24):
            start = local_instant(day, dt.time(hour), tz)
            if start is not None and within_operating_hours(start, hours, ops):
                weekdays.add(day.weekday())
                starts.add(hour)
                ends.add(hour + 1)
    return OperatingChoices(tuple(sorted(weekdays)), tuple(sorted(starts)), tuple(sorted(ends)))


def describe_operating_hours(tz: ZoneInfo, *, hours: dict[int, tuple[dt.time, dt.time]] | None = None) -> str:
    """Operating hours in words, in Pacific time and (when different) in ``tz``, for messages.

    Consecutive days with the same hours are grouped: "Monday to Friday, 9am–9pm Pacific (…your time)".
    """
    names = dict(AvailabilityRule.Weekday.choices)
    groups: list[list] = []  # [first weekday, last weekday, opens, closes]
    for weekday, (opens, closes) in sorted((hours if hours is not None else operating_hours()).items()):
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
