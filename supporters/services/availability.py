"""A supporter's availability: weekly windows (rules), time off and leaves of absence. Every change
regenerates the supporter's slots."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peersnet.errors import DomainError

from ..availability import Window, hour_starts, local_instant, within_operating_hours
from ..models import AvailabilityRule, LeaveOfAbsence, SupporterProfile, TimeOff
from .hours import describe_operating_hours, operating_hours, ops_zone
from .slots import slots_regenerate


class AvailabilityError(DomainError):
    pass


# --- Rules ----------------------------------------------------------------------------------


def _check_window(supporter: SupporterProfile, window: Window, *, exclude_rule_id: int | None = None) -> None:
    if window.weekday not in AvailabilityRule.Weekday.values:
        raise AvailabilityError(_("Choose a day of the week."), code="bad_weekday")
    if window.start >= window.end:
        raise AvailabilityError(_("The end time must be after the start time."), code="end_before_start")
    if not any(True for _ in hour_starts(window)):
        raise AvailabilityError(
            _("A window needs room for at least one full hour starting on the hour, like 17:00–18:00."),
            code="too_short",
        )
    others = supporter.rules.exclude(pk=exclude_rule_id) if exclude_rule_id else supporter.rules.all()
    for rule in others:
        if rule.weekday == window.weekday and window.start < rule.end_time and rule.start_time < window.end:
            raise AvailabilityError(
                _("This overlaps your %(day)s window %(start)s–%(end)s. Change that one instead.")
                % {
                    "day": rule.get_weekday_display(),
                    "start": f"{rule.start_time:%H:%M}",
                    "end": f"{rule.end_time:%H:%M}",
                },
                code="overlap",
            )
    # Every hour of the window must be inside operating hours on every such day of the horizon.
    tz, hours = supporter.tzinfo, operating_hours()
    today = timezone.now().astimezone(tz).date()
    first = today + dt.timedelta(days=(window.weekday - today.weekday()) % 7)
    for week in range(settings.BOOKING_HORIZON // dt.timedelta(weeks=1) + 1):
        day = first + dt.timedelta(weeks=week)
        for wall in hour_starts(window):
            start = local_instant(day, wall, tz)
            if start is not None and not within_operating_hours(start, hours, ops_zone()):
                raise AvailabilityError(
                    _(
                        "Sessions can only happen within our operating hours: %(hours)s. "
                        "Please choose a window inside them."
                    )
                    % {"hours": describe_operating_hours(tz)},
                    code="outside_hours",
                )


@transaction.atomic
def rule_create(
    *, supporter: SupporterProfile, weekday: int, start_time: dt.time, end_time: dt.time
) -> AvailabilityRule:
    """Add a weekly window and regenerate the slots. Refuses overlaps and hours outside operations."""
    supporter = SupporterProfile.objects.select_for_update().get(pk=supporter.pk)
    _check_window(supporter, Window(weekday, start_time, end_time))
    rule = AvailabilityRule.objects.create(
        supporter=supporter, weekday=weekday, start_time=start_time, end_time=end_time
    )
    slots_regenerate(supporter_id=supporter.pk)
    return rule


@transaction.atomic
def rule_delete(*, supporter: SupporterProfile, rule_id: int) -> None:
    """Remove a weekly window; its open slots go, sessions already requested or booked stay."""
    rule = AvailabilityRule.objects.select_for_update().get(pk=rule_id, supporter=supporter)
    rule.delete()
    slots_regenerate(supporter_id=supporter.pk)


# --- Time off and leave -----------------------------------------------------------------------


@transaction.atomic
def time_off_create(
    *, supporter: SupporterProfile, start_date: dt.date, end_date: dt.date, note: str = ""
) -> TimeOff:
    """Block whole days. Open slots on them disappear at once; booked sessions are handled by bookings."""
    if end_date < start_date:
        raise AvailabilityError(_("The last day must be on or after the first day."), code="end_before_start")
    today = timezone.now().astimezone(supporter.tzinfo).date()
    if end_date < today:
        raise AvailabilityError(_("That time off is already over. Choose dates from today on."), code="past")
    if (end_date - start_date).days > 366:
        raise AvailabilityError(
            _("Time off can be at most a year. For longer, take a leave of absence."), code="long"
        )
    time_off = TimeOff.objects.create(
        supporter=supporter, start_date=start_date, end_date=end_date, note=note.strip()
    )
    slots_regenerate(supporter_id=supporter.pk)
    return time_off


@transaction.atomic
def time_off_delete(*, supporter: SupporterProfile, time_off_id: int) -> None:
    TimeOff.objects.get(pk=time_off_id, supporter=supporter).delete()
    slots_regenerate(supporter_id=supporter.pk)


@transaction.atomic
def leave_start(
    *, supporter: SupporterProfile, start_date: dt.date, end_date: dt.date | None
) -> LeaveOfAbsence:
    """Begin (or schedule) a leave of absence: hidden from the directory and no new slots while it lasts.

    Locks the supporter row, so two requests at once cannot both pass the overlap check.
    """
    supporter = SupporterProfile.objects.select_for_update().get(pk=supporter.pk)
    today = timezone.now().astimezone(supporter.tzinfo).date()
    if start_date < today:
        raise AvailabilityError(_("A leave can start today at the earliest."), code="past")
    if end_date is not None and end_date < start_date:
        raise AvailabilityError(_("The last day must be on or after the first day."), code="end_before_start")
    overlapping = supporter.leaves.filter(end_date__isnull=True) | supporter.leaves.filter(
        end_date__gte=start_date
    )
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lte=end_date)
    if overlapping.exists():
        raise AvailabilityError(_("You already have a leave planned for those dates."), code="overlap")
    leave = LeaveOfAbsence.objects.create(supporter=supporter, start_date=start_date, end_date=end_date)
    slots_regenerate(supporter_id=supporter.pk)
    return leave


@transaction.atomic
def leave_end(*, supporter: SupporterProfile, leave_id: int) -> None:
    """End a leave today (or cancel a planned one): the profile is listed again and slots come back."""
    leave = LeaveOfAbsence.objects.select_for_update().get(pk=leave_id, supporter=supporter)
    today = timezone.now().astimezone(supporter.tzinfo).date()
    if leave.end_date is not None and leave.end_date < today:
        return  # already over: ending it again must not move its end date
    if leave.start_date >= today:
        leave.delete()
    else:
        leave.end_date = today - dt.timedelta(days=1)
        leave.save(update_fields=["end_date"])
    slots_regenerate(supporter_id=supporter.pk)
