"""Pure decisions of matching (no database): the team's answer deadline, and how it reads."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings


def _support_zone() -> ZoneInfo:
    return ZoneInfo(settings.OPERATIONS_TIME_ZONE)


def _opening(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(settings.SUPPORT_OPENS_HOUR), tzinfo=tz)


def _closing(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(settings.SUPPORT_CLOSES_HOUR), tzinfo=tz)


def team_request_due(created_at: dt.datetime) -> dt.datetime:
    """When a request to our team must be answered: one business day of support hours after it was made.

    A business day is one support day's worth of open hours (weekdays 10am–5pm Pacific time: 7 hours),
    counted only while support is open. A request on Monday at 3pm is due Tuesday at 3pm; one made in
    the evening, at night or over the weekend is due when the next support day closes. Wall-clock
    hours in the support zone, so daylight-saving changes don't move the deadline. Returns UTC."""
    tz = _support_zone()
    day_length = dt.timedelta(hours=settings.SUPPORT_CLOSES_HOUR - settings.SUPPORT_OPENS_HOUR)
    remaining = day_length
    at = created_at.astimezone(tz)
    while True:
        day = at.date()
        if day.weekday() in settings.SUPPORT_DAYS:
            opening, closing = _opening(day, tz), _closing(day, tz)
            start = max(at, opening)
            if start < closing:
                # Wall-clock arithmetic inside one day of support hours (no DST change in 10am–5pm).
                available = closing.replace(tzinfo=None) - start.replace(tzinfo=None)
                if remaining <= available:
                    return (start.replace(tzinfo=None) + remaining).replace(tzinfo=tz).astimezone(dt.UTC)
                remaining -= available
        at = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz)


def describe_time_left(due_at: dt.datetime, now: dt.datetime) -> str:
    """ "3 h 20 min left" or "Overdue by 1 day 2 h", for the staff queue."""
    delta = due_at - now
    overdue = delta < dt.timedelta(0)
    minutes = int(abs(delta).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} h")
    if minutes or not parts:
        parts.append(f"{minutes} min")
    text = " ".join(parts)
    return f"Overdue by {text}" if overdue else f"{text} left"
