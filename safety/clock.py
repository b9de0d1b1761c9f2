"""The SLA clock: deadlines counted in operating hours, and how a deadline reads on the queue.

Operating hours are the staff-editable weekly hours of ``supporters.services.operating_hours()`` (Mon–Fri
09:00–21:00 by default), wall-clock times in OPERATIONS_TIME_ZONE (America/Los_Angeles). Four operating
hours from Friday 19:00 end on Monday 11:00; from Saturday noon, on Monday 13:00. Each day's window is
turned into UTC instants on its own date, so a day on which the clocks change still counts its real
hours (both DST changes happen at 02:00, outside any sensible window); a closing time of 23:59 means
midnight, as it does everywhere else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from supporters.services import operating_hours

END_OF_DAY = dt.time(23, 59)
# Operating hours that never open would make a deadline unreachable: give up after this many days and
# count plain hours instead (staff would have emptied the operating-hours table on purpose).
_SEARCH_DAYS = 400


def _instant(day: dt.date, wall: dt.time, tz: ZoneInfo) -> dt.datetime:
    if wall >= END_OF_DAY:
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    return dt.datetime.combine(day, wall, tzinfo=tz).astimezone(dt.UTC)


def operating_windows(start: dt.datetime, hours: dict[int, tuple[dt.time, dt.time]], tz: ZoneInfo):
    """The operating windows (UTC start, UTC end) from the day of ``start`` on, clipped to begin no earlier
    than ``start``; empty windows skipped."""
    day = start.astimezone(tz).date()
    for _ in range(_SEARCH_DAYS):
        day_hours = hours.get(day.weekday())
        if day_hours is not None:
            opens, closes = _instant(day, day_hours[0], tz), _instant(day, day_hours[1], tz)
            opens = max(opens, start)
            if opens < closes:
                yield opens, closes
        day += dt.timedelta(days=1)


def add_operating_hours(
    start: dt.datetime,
    hours: float,
    *,
    opening: dict[int, tuple[dt.time, dt.time]] | None = None,
    tz: ZoneInfo | None = None,
) -> dt.datetime:
    """The instant ``hours`` operating hours after ``start`` (aware). Time outside operating hours doesn't
    count; a deadline that ends exactly at closing time is that closing time. ``opening``: the weekly
    hours, if already read (else one query)."""
    opening = operating_hours() if opening is None else opening
    tz = tz or ZoneInfo(settings.OPERATIONS_TIME_ZONE)
    left = dt.timedelta(hours=hours)
    if left <= dt.timedelta(0):
        return start
    for opens, closes in operating_windows(start, opening, tz):
        if closes - opens >= left:
            return opens + left
        left -= closes - opens
    return start + dt.timedelta(hours=hours)  # no operating hours at all (see _SEARCH_DAYS)


def flag_due_at(opened_at: dt.datetime, *, opening: dict | None = None) -> dt.datetime:
    """When a crisis flag opened at ``opened_at`` must be acknowledged by."""
    return add_operating_hours(opened_at, settings.SAFETY_FLAG_ACK_HOURS, opening=opening)


@dataclass(frozen=True)
class ClockReading:
    """How a deadline reads now: ``state`` is "none", "ok", "soon" (an hour or less left) or "overdue";
    ``text`` says it in words, so the colour is never the only sign."""

    state: str
    text: str


def _span(delta: dt.timedelta) -> str:
    minutes = max(1, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} h")
    if minutes and not days:
        parts.append(f"{minutes} min")
    return " ".join(parts)


def reading(due_at: dt.datetime | None, now: dt.datetime) -> ClockReading:
    """Time left until ``due_at`` (wall-clock time) or how long it is overdue."""
    if due_at is None:
        return ClockReading("none", "No deadline")
    if due_at <= now:
        return ClockReading("overdue", f"Overdue by {_span(now - due_at)}")
    left = due_at - now
    return ClockReading("soon" if left <= dt.timedelta(hours=1) else "ok", f"{_span(left)} left")
