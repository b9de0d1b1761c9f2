"""Pacific calendar months: the unit of supervision compliance and of pay statements.

A month is named by its first day (a ``date``). Its instants run from midnight Pacific on the 1st to
midnight Pacific on the next 1st, so a session at 11:30pm PT on the 31st belongs to that month although
it is already the 1st in UTC; DST changes inside a month are handled by the zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def pacific() -> ZoneInfo:
    return ZoneInfo(settings.OPERATIONS_TIME_ZONE)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the Pacific month as aware datetimes."""
    zone = pacific()
    start = dt.datetime.combine(month, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(next_month(month), dt.time(), tzinfo=zone)
    return start, end


def pacific_today(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(pacific()).date()


def pacific_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(pacific()).date()


def parse_month(value: str | None) -> dt.date | None:
    """ "2026-11" -> date(2026, 11, 1); anything else -> None."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return dt.date(year, month, 1)
    except (TypeError, ValueError):
        return None
