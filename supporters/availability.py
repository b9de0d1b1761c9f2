"""Pure slot arithmetic: which session start times a supporter's rules produce. No database access.

Rules are wall-clock times in the supporter's zone; operating hours are wall-clock times in the
operations zone (Pacific). Every instant is computed from the wall clock of its own day, so the
results stay right across daylight-saving changes in either zone.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

UTC = dt.UTC
END_OF_DAY = dt.time(23, 59)  # as an end or closing time: midnight


@dataclass(frozen=True)
class Window:
    weekday: int  # Monday = 0
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class DateRange:
    start: dt.date
    end: dt.date | None  # inclusive; None = open-ended

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def paid_length() -> dt.timedelta:
    return dt.timedelta(minutes=settings.PAID_MINUTES)


def local_instant(day: dt.date, wall: dt.time, tz: ZoneInfo) -> dt.datetime | None:
    """The UTC instant of a wall-clock time, or None if that time does not exist (spring-forward gap).

    An ambiguous time (the repeated hour in autumn) means its first occurrence.
    """
    naive = dt.datetime.combine(day, wall)
    aware = naive.replace(tzinfo=tz, fold=0)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        return None
    return aware.astimezone(UTC)


def hour_starts(window: Window) -> Iterator[dt.time]:
    """Whole hours inside a window at which a paid hour fits: 17:00–20:00 gives 17, 18 and 19."""
    on_the_hour = window.start.replace(tzinfo=None) == dt.time(window.start.hour)
    hour = window.start.hour + (0 if on_the_hour else 1)
    # 23:59 stands for midnight, the end of the day.
    window_end_minutes = 24 * 60 if window.end >= END_OF_DAY else window.end.hour * 60 + window.end.minute
    while hour <= 23:
        start = dt.time(hour)
        end_minutes = hour * 60 + settings.PAID_MINUTES
        if end_minutes > window_end_minutes:
            return
        yield start
        hour += 1


def within_operating_hours(
    start: dt.datetime, hours: dict[int, tuple[dt.time, dt.time]], ops_tz: ZoneInfo
) -> bool:
    """True when the whole paid hour from ``start`` falls inside the operating hours of that day.

    Closing at 23:59 means midnight, as it does for a window's end in ``hour_starts``.
    """
    local = start.astimezone(ops_tz)
    day_hours = hours.get(local.weekday())
    if day_hours is None:
        return False
    opens = local_instant(local.date(), day_hours[0], ops_tz)
    if day_hours[1] >= END_OF_DAY:
        closes = local_instant(local.date() + dt.timedelta(days=1), dt.time(0), ops_tz)
    else:
        closes = local_instant(local.date(), day_hours[1], ops_tz)
    if opens is None or closes is None:
        return False
    return opens <= start and start + paid_length() <= closes


def slot_starts(
    *,
    windows: Iterable[Window],
    tz: ZoneInfo,
    first_day: dt.date,
    last_day: dt.date,
    not_before: dt.datetime,
    not_after: dt.datetime,
    blocked: Iterable[DateRange] = (),
    operating_hours: dict[int, tuple[dt.time, dt.time]],
    ops_tz: ZoneInfo,
) -> list[dt.datetime]:
    """Every session start (UTC) the rules give between two instants, in order, without duplicates.

    ``first_day``..``last_day`` are days in the supporter's zone; ``blocked`` ranges (time off, leave)
    are also in the supporter's zone. Starts before ``not_before`` (minimum notice) or after
    ``not_after`` (the horizon) are left out, and so is any hour outside the operating hours.
    """
    by_weekday: dict[int, list[Window]] = {}
    for window in windows:
        by_weekday.setdefault(window.weekday, []).append(window)
    blocked = list(blocked)
    starts: set[dt.datetime] = set()
    day = first_day
    while day <= last_day:
        if not any(r.covers(day) for r in blocked):
            for window in by_weekday.get(day.weekday(), ()):
                for wall in hour_starts(window):
                    start = local_instant(day, wall, tz)
                    if start is None or not (not_before <= start <= not_after):
                        continue
                    if within_operating_hours(start, operating_hours, ops_tz):
                        starts.add(start)
        day += dt.timedelta(days=1)
    return sorted(starts)


def windows_overlap(a: Window, b: Window) -> bool:
    return a.weekday == b.weekday and a.start < b.end and b.start < a.end
