"""Writes for supporters: profiles, availability, time off, leave, and the slot inventory.

Slots are regenerated from the rules whenever the rules change and once a day for everyone.
Regeneration only ever adds, removes, closes or re-opens *open* and *closed* slots; a held or booked slot
is never touched. A slot a booking lets go of goes through ``slot_free``, which decides on the current
rules at once: open if the supporter still works that hour, closed otherwise.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import user_update_settings
from peersnet.errors import DomainError

from .availability import (
    END_OF_DAY,
    DateRange,
    Window,
    hour_starts,
    local_instant,
    slot_starts,
    within_operating_hours,
)
from .models import AvailabilityRule, LeaveOfAbsence, OperatingHours, Slot, SupporterProfile, Tag, TimeOff

logger = logging.getLogger(__name__)

DEFAULT_OPERATING_HOURS = {weekday: (dt.time(9), dt.time(21)) for weekday in range(5)}  # Mon–Fri 9am–9pm PT


class AvailabilityError(DomainError):
    pass


class ProfileError(DomainError):
    pass


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


def _retire_open_slots(slots: QuerySet[Slot]) -> tuple[int, int]:
    """Take the open slots among ``slots`` off offer: delete those no other row points to, close the
    others. Returns (deleted, closed).

    The rows are locked first, and the lock re-reads ``status = open``: a booking taking one of them
    at this moment either committed first (the slot is no longer open and stays) or waits for us and
    then finds it gone or closed ("just taken"). A slot that a booking still points to (declined,
    expired, cancelled: the slot was freed) is kept for that booking's history, closed so that nobody
    can book an hour the supporter no longer offers. Call inside a transaction.
    """
    slots = slots.filter(status=Slot.Status.OPEN)
    referenced = [
        Exists(relation.related_model._base_manager.filter(**{relation.field.name: OuterRef("pk")}))
        for relation in Slot._meta.related_objects
    ]
    slots = slots.annotate(**{f"referenced_{i}": exists for i, exists in enumerate(referenced)})
    rows = list(
        slots.select_for_update(of=("self",)).values_list(
            "pk", *(f"referenced_{i}" for i in range(len(referenced)))
        )
    )
    unreferenced = [pk for pk, *refs in rows if not any(refs)]
    kept = [pk for pk, *refs in rows if any(refs)]
    deleted = closed = 0
    if unreferenced:
        # Nothing points to these rows and we hold their locks, so Django's delete collector (which would
        # re-read them and what points to them, then delete by id in chunks of 100) has nothing to do:
        # one DELETE does it, whatever the number of slots.
        deleted = Slot.objects.filter(pk__in=unreferenced, status=Slot.Status.OPEN)._raw_delete(
            Slot.objects.db
        )
    if kept:
        closed = Slot.objects.filter(pk__in=kept, status=Slot.Status.OPEN).update(status=Slot.Status.CLOSED)
    return deleted, closed


@dataclass(frozen=True)
class Regeneration:
    created: int
    removed: int  # deleted or closed: no longer offered
    reopened: int = 0


def _desired_starts(
    supporter: SupporterProfile,
    *,
    rules: list[AvailabilityRule],
    blocked: list[DateRange],
    hours: dict[int, tuple[dt.time, dt.time]],
    now: dt.datetime,
    day: dt.date | None = None,
) -> list[dt.datetime]:
    """The session starts the supporter offers now, from the minimum notice to the horizon (only on
    ``day``, a day in the supporter's zone, when given)."""
    if supporter.status == SupporterProfile.Status.INACTIVE or not rules:
        return []
    tz = supporter.tzinfo
    not_before, not_after = bookable_window(now)
    return slot_starts(
        windows=[Window(r.weekday, r.start_time, r.end_time) for r in rules],
        tz=tz,
        first_day=day or not_before.astimezone(tz).date(),
        last_day=day or not_after.astimezone(tz).date(),
        not_before=not_before,
        not_after=not_after,
        blocked=blocked,
        operating_hours=hours,
        ops_tz=ops_zone(),
    )


@transaction.atomic
def slots_regenerate(
    *, supporter_id: int, now: dt.datetime | None = None, hours: dict | None = None
) -> Regeneration:
    """Make the supporter's open slots match their rules, time off and leave, from now to the horizon.

    Locks the supporter row (one regeneration, or one ``slot_free``, at a time per supporter). Open
    slots that no longer fit (including past ones) are deleted, or closed when a booking still points to
    them; closed slots that fit again are re-opened; missing ones are inserted. Held and booked slots are
    left exactly as they are, and a slot taken by a booking while this runs is not deleted (the rows are
    locked and ``status = open`` re-checked first).
    """
    now = now or timezone.now()
    supporter = SupporterProfile.objects.select_for_update().get(pk=supporter_id)
    rules = list(supporter.rules.all())
    blocked = [DateRange(t.start_date, t.end_date) for t in supporter.time_off.all()]
    blocked += [DateRange(leave.start_date, leave.end_date) for leave in supporter.leaves.all()]
    desired = set(
        _desired_starts(supporter, rules=rules, blocked=blocked, hours=hours or operating_hours(), now=now)
    )
    # Every wanted start is after the minimum notice, so older held and booked slots (the whole
    # history) need not be read; every open slot is, since the unwanted ones go.
    not_before, _horizon = bookable_window(now)
    existing = dict(
        Slot.objects.filter(supporter=supporter)
        .filter(Q(status=Slot.Status.OPEN) | Q(start__gte=not_before))
        .values_list("start", "status")
    )
    stale = [
        start for start, status in existing.items() if status == Slot.Status.OPEN and start not in desired
    ]
    removed = reopened = 0
    if stale:
        removed = sum(_retire_open_slots(Slot.objects.filter(supporter=supporter, start__in=stale)))
    wanted_again = [
        start for start, status in existing.items() if status == Slot.Status.CLOSED and start in desired
    ]
    if wanted_again:
        reopened = Slot.objects.filter(
            supporter=supporter, start__in=wanted_again, status=Slot.Status.CLOSED
        ).update(status=Slot.Status.OPEN)
    length = dt.timedelta(minutes=settings.SESSION_MINUTES)
    new = [Slot(supporter=supporter, start=s, end=s + length) for s in sorted(desired) if s not in existing]
    Slot.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    return Regeneration(created=len(new), removed=removed, reopened=reopened)


@transaction.atomic
def slot_free(*, slot_id: int, now: dt.datetime | None = None) -> Slot:
    """A booking let go of its slot (withdrawn, declined, expired, released, cancelled, moved away):
    open it again only if the supporter still offers that hour now, else close it.

    "Still offers" is decided on the current rules, time off, leave, operating hours and booking
    window, as a regeneration would, so a freed hour can never be booked after the supporter stopped
    working it. Locks the supporter row (the lock a regeneration holds, so the two never interleave),
    then the slot. Callers lock their booking first: booking, supporter, slot. Returns the slot.
    """
    now = now or timezone.now()
    supporter_id = Slot.objects.values_list("supporter_id", flat=True).get(pk=slot_id)
    supporter = SupporterProfile.objects.select_for_update().get(pk=supporter_id)
    slot = Slot.objects.select_for_update().get(pk=slot_id)
    day = slot.start.astimezone(supporter.tzinfo).date()
    blocked = [
        DateRange(start, end)
        for model in (TimeOff, LeaveOfAbsence)
        for start, end in model.objects.filter(supporter=supporter, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("start_date", "end_date")
    ]
    offered = slot.start in _desired_starts(
        supporter,
        rules=list(supporter.rules.filter(weekday=day.weekday())),
        blocked=blocked,
        hours=operating_hours(),
        now=now,
        day=day,
    )
    status = Slot.Status.OPEN if offered else Slot.Status.CLOSED
    if slot.status != status:
        slot.status = status
        slot.save(update_fields=["status"])
    return slot


def slots_roll_horizon(*, now: dt.datetime | None = None) -> Regeneration:
    """Daily: regenerate every supporter who is not inactive, so the horizon moves forward a day.

    Each supporter is its own transaction, and one supporter's failure is logged and skipped, so it
    neither undoes nor stops the others (tomorrow's run tries that supporter again).
    """
    now = now or timezone.now()
    hours = operating_hours()
    created = removed = reopened = 0
    ids = SupporterProfile.objects.exclude(status=SupporterProfile.Status.INACTIVE).values_list(
        "pk", flat=True
    )
    for supporter_id in ids.iterator():
        try:
            result = slots_regenerate(supporter_id=supporter_id, now=now, hours=hours)
        except Exception:
            logger.exception("could not regenerate the slots of supporter %s", supporter_id)
            continue
        created += result.created
        removed += result.removed
        reopened += result.reopened
    # Inactive supporters keep no open slots at all.
    with transaction.atomic():
        inactive_removed = sum(
            _retire_open_slots(Slot.objects.filter(supporter__status=SupporterProfile.Status.INACTIVE))
        )
    return Regeneration(created=created, removed=removed + inactive_removed, reopened=reopened)


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


# --- Profile --------------------------------------------------------------------------------


PHOTO_FIELDS = ("photo_small", "photo_medium", "photo_large")


def _photos_store(*, supporter: SupporterProfile, photos: dict[str, object]) -> dict[str, str]:
    """Write the photo files to storage (object storage in production: a network call, so never inside a
    transaction). Returns field -> stored name. On failure removes what it wrote and raises ProfileError."""
    stored: dict[str, str] = {}
    try:
        for field_name, content in photos.items():
            field = SupporterProfile._meta.get_field(field_name)
            name = field.generate_filename(supporter, content.name)
            stored[field_name] = field.storage.save(name, content, max_length=field.max_length)
    except Exception:  # any storage failure (bucket unreachable, disk full): the person gets a message
        logger.exception("supporter %s: storing a new photo failed", supporter.pk)
        _photos_delete(list(stored.values()))
        raise ProfileError(
            _(
                "We couldn't save your photo just now, so nothing was changed. "
                "Please try again in a few minutes."
            ),
            code="photo_storage",
        ) from None
    return stored


def _photos_delete(names: list[str]) -> None:
    """Remove stored photo files. A file left behind harms no one, so a failure is logged, not raised
    (this runs after commit, when the person's save has already succeeded)."""
    storage = SupporterProfile._meta.get_field("photo_large").storage
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # any storage failure: keep going, the file stays
            logger.warning("could not delete the old photo file %s", name, exc_info=True)


def profile_update(
    *,
    supporter: SupporterProfile,
    display_name: str,
    pronouns: str,
    intro: str,
    story: str,
    time_zone: str,
    tags: list[Tag],
    photos: dict[str, object] | None = None,
) -> SupporterProfile:
    """Save what a supporter says about themselves. A zone change regenerates slots (rules are wall-clock).

    New photo files are written to storage first, outside the transaction, and removed again if the save
    fails; the files they replace are deleted after commit. Raises ProfileError when storage fails.
    """
    stored = _photos_store(supporter=supporter, photos=photos) if photos else {}
    try:
        return _profile_save(
            supporter=supporter,
            display_name=display_name,
            pronouns=pronouns,
            intro=intro,
            story=story,
            time_zone=time_zone,
            tags=tags,
            stored_photos=stored,
        )
    except Exception:  # the save failed (a DomainError, a lost race): the new files are not needed
        _photos_delete(list(stored.values()))
        raise


@transaction.atomic
def _profile_save(
    *,
    supporter: SupporterProfile,
    display_name: str,
    pronouns: str,
    intro: str,
    story: str,
    time_zone: str,
    tags: list[Tag],
    stored_photos: dict[str, str],
) -> SupporterProfile:
    """The database half of profile_update: locks the profile row, saves, queues the old files' removal."""
    supporter = SupporterProfile.objects.select_for_update().get(pk=supporter.pk)
    zone_changed = supporter.time_zone != time_zone
    supporter.display_name = display_name.strip()
    supporter.pronouns = pronouns.strip()
    supporter.intro = intro.strip()
    supporter.story = story.strip()
    supporter.time_zone = time_zone
    old_files = []
    for field, name in stored_photos.items():
        old = getattr(supporter, field)
        if old:
            old_files.append(old.name)
        setattr(supporter, field, name)
    supporter.full_clean(exclude=["user", *PHOTO_FIELDS])
    supporter.save()
    supporter.tags.set(tags)
    if zone_changed:
        # Rules, time off and leave are wall-clock dates and times: they move with the zone.
        for leave in supporter.leaves.select_for_update():
            leave.save()
        slots_regenerate(supporter_id=supporter.pk)
        # The person sees the site in the zone they work in.
        user_update_settings(user=supporter.user, first_name=supporter.user.first_name, time_zone=time_zone)
    if old_files:
        transaction.on_commit(lambda: _photos_delete(old_files))
    return supporter
