"""Named reads for supporters: the directory, next available sessions, a profile's week, weekly hours."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from .models import Slot, SupporterProfile


@dataclass(frozen=True)
class WeekHours:
    week_start: dt.date  # Monday, in the supporter's zone
    hours: int
    open_hours: int

    @property
    def below_minimum(self) -> bool:
        return self.hours < settings.SUPPORTER_MIN_WEEKLY_HOURS


def supporter_weekly_hours(
    *, supporter: SupporterProfile, weeks: int = 4, now: dt.datetime | None = None
) -> list[WeekHours]:
    """Hours offered (open, held or booked slots) in each of the next ``weeks`` weeks, Monday to Sunday
    in the supporter's zone, starting with the current week. One query."""
    now = now or timezone.now()
    tz = supporter.tzinfo
    today = now.astimezone(tz).date()
    monday = today - dt.timedelta(days=today.weekday())
    bounds = [
        timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(weeks=i), dt.time()), tz)
        for i in range(weeks + 1)
    ]
    aggregates = {}
    for i in range(weeks):
        in_week = Q(start__gte=bounds[i], start__lt=bounds[i + 1])
        aggregates[f"all_{i}"] = Count("pk", filter=in_week)
        aggregates[f"open_{i}"] = Count("pk", filter=in_week & Q(status=Slot.Status.OPEN))
    counts = Slot.objects.filter(supporter=supporter).aggregate(**aggregates)
    slot_hours = settings.PAID_MINUTES / 60
    return [
        WeekHours(
            week_start=monday + dt.timedelta(weeks=i),
            hours=int(counts[f"all_{i}"] * slot_hours),
            open_hours=int(counts[f"open_{i}"] * slot_hours),
        )
        for i in range(weeks)
    ]


def supporter_list_below_minimum(
    *, weeks: int = 4, now: dt.datetime | None = None
) -> list[tuple[SupporterProfile, int]]:
    """Active supporters offering fewer than the weekly minimum in any full week of the next ``weeks``
    (weeks starting next Monday, in Pacific time), with their lowest week's hours. One query."""
    now = now or timezone.now()
    tz = ZoneInfo(settings.OPERATIONS_TIME_ZONE)
    today = now.astimezone(tz).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    bounds = [
        timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(weeks=i), dt.time()), tz)
        for i in range(weeks + 1)
    ]
    annotations = {
        f"week_{i}": Count("slots", filter=Q(slots__start__gte=bounds[i], slots__start__lt=bounds[i + 1]))
        for i in range(weeks)
    }
    minimum = settings.SUPPORTER_MIN_WEEKLY_HOURS
    rows = SupporterProfile.objects.filter(status=SupporterProfile.Status.ACTIVE).annotate(**annotations)
    below = Q()
    for i in range(weeks):
        below |= Q(**{f"week_{i}__lt": minimum})
    result = []
    for supporter in rows.filter(below).order_by("display_name"):
        result.append((supporter, min(getattr(supporter, f"week_{i}") for i in range(weeks))))
    return result
