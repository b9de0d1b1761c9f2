"""The slot inventory: regeneration from the rules, a freed slot, and the daily roll of the horizon.

Regeneration only ever adds, removes, closes or re-opens *open* and *closed* slots; a held or booked slot
is never touched. A slot a booking lets go of goes through ``slot_free``, which decides on the current
rules at once: open if the supporter still works that hour, closed otherwise.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ..availability import DateRange, Window, slot_starts
from ..directory_cache import batched, directory_changed
from ..models import AvailabilityRule, LeaveOfAbsence, Slot, SupporterProfile, TimeOff
from .hours import bookable_window, operating_hours, ops_zone

logger = logging.getLogger("supporters.services")  # one logger for the package, as before the split


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
    # Always, not only when slots changed: a status change in the admin or a leave lands here too.
    directory_changed(supporter_id=supporter.pk)
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
        directory_changed(supporter_id=supporter.pk)
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
    with batched():  # one bump of the directory cache at the end, not one per supporter
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
        directory_changed()
    return Regeneration(created=created, removed=removed + inactive_removed, reopened=reopened)
