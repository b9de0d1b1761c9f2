"""The slot inventory: regeneration from the rules, taking and freeing a slot, the supporter's stored
next open time, and the daily roll of the horizon.

Regeneration only ever adds, removes, closes or re-opens *open* and *closed* slots; a held or booked slot
is never touched. A slot a booking lets go of goes through ``slot_free``, which decides on the current
rules at once: open if the supporter still works that hour, closed otherwise.

Next open (``SupporterProfile.next_open_at``): every change that can open or close a slot goes through
this module, locks the supporter row first, changes the slots, then recomputes the stored value with a
fresh statement. Anyone else changing that supporter's slots holds the same lock until they commit, so
the recomputation sees every committed change and its own: the value can't be left pointing at a slot a
racing booking just took. Lock order everywhere: (booking,) supporter, slots.

Time makes a stored value stale: an open slot comes within the minimum notice without any write. Readers
therefore trust ``next_open_at`` only when it is at or after now + notice (``next_open_fresh``), and
``next_open_refresh_stale`` (every minute, from beat, and in the daily roll) recomputes the stale ones. So
the directory never shows a time that can no longer be booked; a supporter whose value went stale is
left out of time-ordered lists until the next refresh, at most a minute or so.

Waitlist holds: every slot that turns open is announced (``SlotsOpened``, in ``_announce_opened``; the
daily roll announces its batches as ``HorizonRolled``) in the same transaction, with the supporter row
locked, so the waitlist can reserve it (``slot_reserve``: status reserved) before anyone sees it open.
Regeneration closes a slot reserved for the waitlist at an hour no longer offered. Announcements come
before next open is recomputed, so a slot a handler reserved at once is not stored as open.
"""

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone

from peersnet.kernel import events

from ..availability import DateRange, Window, slot_starts
from ..directory_cache import batched, directory_changed
from ..events import HorizonRolled, SlotsOpened
from ..models import (
    STORED_TIME_OF_DAY_ZONES,
    TIME_OF_DAY_KINDS,
    AvailabilityRule,
    HorizonRoll,
    LeaveOfAbsence,
    Slot,
    SupporterProfile,
    TimeOff,
    time_of_day_field,
)
from .hours import bookable_window, operating_hours, ops_zone
from .ordering import fair_order_rewrite

logger = logging.getLogger("supporters.services")  # one logger for the package, as before the split

# Supporters per transaction in the daily roll: big enough that the roll is a few hundred statements for
# ten thousand supporters, small enough that a batch holds its supporters' locks for well under a second.
ROLL_BATCH_SIZE = 500


# --- Next open --------------------------------------------------------------------------------------


def slots_at_time_of_day(slots: QuerySet[Slot], kind: str, tz: ZoneInfo) -> QuerySet[Slot]:
    """Slots whose start, on the wall clock of ``tz``, is in the morning (before 12:00) or on a weekday
    evening (Monday to Friday, from 17:00). The database works out each local time, so this is right
    across daylight-saving changes."""
    if kind == "mornings":
        return slots.alias(local_hour=ExtractHour("start", tzinfo=tz)).filter(local_hour__lt=12)
    return slots.alias(
        local_hour=ExtractHour("start", tzinfo=tz), local_weekday=ExtractIsoWeekDay("start", tzinfo=tz)
    ).filter(local_hour__gte=17, local_weekday__lte=5)


def _earliest_open_start(now: dt.datetime, kind: str = "", tz: ZoneInfo | None = None) -> Subquery:
    """The start of the supporter's (OuterRef) earliest open slot that can be booked at ``now`` (at a
    time of day, seen from ``tz``, when ``kind`` is given)."""
    not_before, not_after = bookable_window(now)
    slots = Slot.objects.filter(
        supporter=OuterRef("pk"), status=Slot.Status.OPEN, start__gte=not_before, start__lte=not_after
    )
    if kind:
        slots = slots_at_time_of_day(slots, kind, tz)
    return Subquery(slots.order_by("start").values("start")[:1])


def _next_open_values(now: dt.datetime) -> dict[str, Subquery]:
    values = {"next_open_at": _earliest_open_start(now)}
    for zone_name in STORED_TIME_OF_DAY_ZONES:
        for kind in TIME_OF_DAY_KINDS:
            values[time_of_day_field(kind, zone_name)] = _earliest_open_start(now, kind, ZoneInfo(zone_name))
    return values


def _next_open_recompute(supporter_ids: Iterable[int], *, now: dt.datetime) -> None:
    """Store each supporter's next open start (and per time of day), read afresh from the slots. One
    UPDATE.

    The caller holds these supporter rows' locks, taken before it changed any of their slots: this
    statement's snapshot then holds every committed slot change of theirs and the caller's own."""
    SupporterProfile.objects.filter(pk__in=list(supporter_ids)).update(**_next_open_values(now))


@transaction.atomic
def next_open_update(*, supporter_ids: Iterable[int], now: dt.datetime | None = None) -> None:
    """Lock these supporters and recompute their stored next open time (for slots written by bulk
    loaders, fixtures or a repair; the slot services keep it themselves)."""
    ids = list(
        SupporterProfile.objects.select_for_update(no_key=True)
        .filter(pk__in=list(supporter_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _next_open_recompute(ids, now=now or timezone.now())


def next_open_fresh(now: dt.datetime | None = None) -> Q:
    """The condition under which a stored ``next_open_at`` can be shown: a bookable instant."""
    not_before, not_after = bookable_window(now)
    return Q(next_open_at__gte=not_before, next_open_at__lte=not_after)


def next_open_refresh_stale(*, now: dt.datetime | None = None) -> int:
    """Recompute the stored next open time of every supporter whose value came within the minimum
    notice (it can no longer be booked), or is missing although they are not inactive. Returns how many.

    Locks those supporter rows (skipping any locked at this moment: their own transaction or the next
    run recomputes them), then recomputes in one UPDATE. Run every minute by beat and by the daily roll.
    """
    now = now or timezone.now()
    not_before, _not_after = bookable_window(now)
    with transaction.atomic():
        stale = Q(next_open_at__lt=not_before)
        for zone_name in STORED_TIME_OF_DAY_ZONES:
            for kind in TIME_OF_DAY_KINDS:
                stale |= Q(**{f"{time_of_day_field(kind, zone_name)}__lt": not_before})
        ids = list(
            SupporterProfile.objects.select_for_update(skip_locked=True, no_key=True)
            .filter(stale)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if ids:
            _next_open_recompute(ids, now=now)
            with batched():  # their cards carry the time in their keys; their profiles show it too
                for supporter_id in ids:
                    directory_changed(supporter_id=supporter_id)
    return len(ids)


@transaction.atomic(savepoint=False)  # part of the caller's transaction: no savepoint round trips
def slot_take(
    *,
    slot: Slot,
    status: str = Slot.Status.HELD,
    now: dt.datetime | None = None,
    reserved_for_user_id: int | None = None,
) -> bool:
    """Take an open slot for a booking (open -> held, or booked): True if this call took it. With
    ``reserved_for_user_id``, a slot the waitlist holds for that person (until the hold ends) can be
    taken too, and the hold is cleared.

    Locks the supporter row, then takes the slot with one conditional UPDATE, so of two people racing
    for one slot exactly one wins; the loser changes nothing. When the slot taken was the supporter's
    stored next open time (or none was stored), next open is recomputed in the same transaction. Lock
    order: the supporter, then the slot (the order of a regeneration and of ``slot_free``).
    """
    now = now or timezone.now()
    stored = (
        SupporterProfile.objects.select_for_update(no_key=True)
        .filter(pk=slot.supporter_id)
        .values_list("next_open_at", flat=True)
        .first()
    )
    takeable = Q(status=Slot.Status.OPEN)
    if reserved_for_user_id is not None:
        takeable |= Q(status=Slot.Status.RESERVED, reserved_for=reserved_for_user_id, reserved_until__gt=now)
    taken = (
        Slot.objects.filter(pk=slot.pk)
        .filter(takeable)
        .update(status=status, reserved_for=None, reserved_until=None)
    )
    if taken and (stored is None or slot.start <= stored):
        _next_open_recompute([slot.supporter_id], now=now)
    if taken:
        directory_changed(supporter_id=slot.supporter_id)  # an open hour is gone from the directory
    return bool(taken)


@transaction.atomic(savepoint=False)
def slot_hold(*, slot_id: int, status: str, now: dt.datetime | None = None) -> None:
    """A booking keeps its slot: held while it waits, booked once accepted.

    From held or booked this is one UPDATE and next open does not move. A slot that is open or closed
    (a booking coming back to a slot it had let go of) is set under the supporter's lock, and next open
    is recomputed, as for ``slot_take``."""
    if Slot.objects.filter(pk=slot_id, status__in=[Slot.Status.HELD, Slot.Status.BOOKED]).update(
        status=status
    ):
        return
    now = now or timezone.now()
    supporter_id = Slot.objects.values_list("supporter_id", flat=True).get(pk=slot_id)
    SupporterProfile.objects.select_for_update(no_key=True).filter(pk=supporter_id).values_list("pk").first()
    Slot.objects.filter(pk=slot_id).update(status=status)
    _next_open_recompute([supporter_id], now=now)


# --- Regeneration -----------------------------------------------------------------------------------


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


def _announce_opened(supporter_id: int, starts) -> None:
    """The one place slots turning open are announced (SlotsOpened), from a regeneration (created or
    re-opened) and from ``slot_free`` (a booking or a waitlist hold let go). Call with the supporter row
    locked, inside the transaction that opened them."""
    starts = tuple(sorted(starts))
    if starts:
        events.announce(SlotsOpened(supporter_id=supporter_id, starts=starts))


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

    Locks the supporter row (one regeneration, or one ``slot_free``, at a time per supporter) and
    recomputes the supporter's stored next open time before it returns. Open
    slots that no longer fit (including past ones) are deleted, or closed when a booking still points to
    them; closed slots that fit again are re-opened; missing ones are inserted. Held and booked slots are
    left exactly as they are, and a slot taken by a booking while this runs is not deleted (the rows are
    locked and ``status = open`` re-checked first).
    """
    now = now or timezone.now()
    supporter = SupporterProfile.objects.select_for_update().get(pk=supporter_id)
    rules = list(supporter.rules.all())
    # Time off and leave in one query (a UNION): both only block whole days here.
    # No ORDER BY in either part: SQLite refuses one inside a compound statement (both models order by
    # date by default).
    dates = ("start_date", "end_date")
    days_off = TimeOff.objects.filter(supporter=supporter).order_by().values_list(*dates)
    leaves = LeaveOfAbsence.objects.filter(supporter=supporter).order_by().values_list(*dates)
    blocked = [DateRange(start, end) for start, end in days_off.union(leaves, all=True)]
    desired = set(
        _desired_starts(supporter, rules=rules, blocked=blocked, hours=hours or operating_hours(), now=now)
    )
    # Every wanted start is after the minimum notice, so older held and booked slots (the whole
    # history) need not be read; every open slot is, since the unwanted ones go.
    not_before, _horizon = bookable_window(now)
    existing = dict(
        Slot.objects.filter(supporter=supporter)
        .filter(Q(status__in=[Slot.Status.OPEN, Slot.Status.RESERVED]) | Q(start__gte=not_before))
        .values_list("start", "status")
    )
    # A slot held for someone on the waitlist at an hour no longer offered is closed (the waitlist's offer
    # points to it, so it stays); the holder's booking step then finds it gone.
    unreserved = [
        start for start, status in existing.items() if status == Slot.Status.RESERVED and start not in desired
    ]
    if unreserved:
        Slot.objects.filter(supporter=supporter, start__in=unreserved, status=Slot.Status.RESERVED).update(
            status=Slot.Status.CLOSED, reserved_for=None, reserved_until=None
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
    _announce_opened(supporter.pk, [*wanted_again, *(slot.start for slot in new)])
    _next_open_recompute([supporter.pk], now=now)
    # Always, not only when slots changed: a status change in the admin or a leave lands here too.
    directory_changed(supporter_id=supporter.pk)
    return Regeneration(created=len(new), removed=removed + len(unreserved), reopened=reopened)


@transaction.atomic
def slot_free(*, slot_id: int, now: dt.datetime | None = None) -> Slot:
    """A booking let go of its slot (withdrawn, declined, expired, released, cancelled, moved away):
    open it again only if the supporter still offers that hour now, else close it.

    "Still offers" is decided on the current rules, time off, leave, operating hours and booking
    window, as a regeneration would, so a freed hour can never be booked after the supporter stopped
    working it. Locks the supporter row (the lock a regeneration holds, so the two never interleave),
    then the slot. Callers lock their booking first: booking, supporter, slot. A slot that opens (or
    stops being open) moves the supporter's stored next open time in the same transaction. Returns the
    slot.
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
        was_open = slot.status == Slot.Status.OPEN
        slot.status = status
        slot.reserved_for, slot.reserved_until = None, None
        slot.save(update_fields=["status", "reserved_for", "reserved_until"])
        if status == Slot.Status.OPEN:
            _announce_opened(supporter.pk, [slot.start])
            slot.refresh_from_db(fields=["status", "reserved_for", "reserved_until"])  # a handler may hold it
        if was_open or status == Slot.Status.OPEN:
            _next_open_recompute([supporter.pk], now=now)
        directory_changed(supporter_id=supporter.pk)
    return slot


@transaction.atomic
def slot_reserve(*, slot_id: int, user_id: int, until: dt.datetime, now: dt.datetime | None = None) -> bool:
    """Hold an open slot for one person until ``until`` (the waitlist's offer): nobody else can book it
    meanwhile, and they book it through the normal booking step. One conditional update: False when the
    slot is no longer open (taken a moment before). Called by a SlotsOpened handler, with the supporter
    row (and, from ``slot_free``, the slot) already locked; the lock is taken again here (a no-op then)
    so no caller can move next open without it. A reserved slot is not open: next open is recomputed."""
    supporter_id = Slot.objects.values_list("supporter_id", flat=True).get(pk=slot_id)
    SupporterProfile.objects.select_for_update(no_key=True).filter(pk=supporter_id).values_list("pk").first()
    reserved = Slot.objects.filter(pk=slot_id, status=Slot.Status.OPEN).update(
        status=Slot.Status.RESERVED, reserved_for_id=user_id, reserved_until=until
    )
    if reserved:
        _next_open_recompute([supporter_id], now=now or timezone.now())
        directory_changed(supporter_id=supporter_id)
    return bool(reserved)


@transaction.atomic
def slot_reservation_end(*, slot_id: int, user_id: int | None = None, now: dt.datetime | None = None) -> bool:
    """End a waitlist hold (it ran out, or its holder left the list): the slot goes through ``slot_free``,
    open again if the supporter still offers that hour (announced, so the next in line can be offered it),
    else closed. Only a slot still reserved (for ``user_id``, when given) changes; returns whether it did.
    Locks the supporter row, then the slot, like ``slot_free``."""
    supporter_id = Slot.objects.values_list("supporter_id", flat=True).get(pk=slot_id)
    SupporterProfile.objects.select_for_update().filter(pk=supporter_id).first()
    slot = Slot.objects.select_for_update().get(pk=slot_id)
    if slot.status != Slot.Status.RESERVED or (user_id is not None and slot.reserved_for_id != user_id):
        return False
    slot_free(slot_id=slot_id, now=now)
    return True


def operating_hours_key(hours: dict) -> str:
    """A digest of operating hours, to tell whether they changed between two rolls."""
    return hashlib.sha256(repr(sorted(hours.items())).encode()).hexdigest()


def _roll_run(*, now: dt.datetime, not_after: dt.datetime, hours: dict) -> HorizonRoll:
    """Today's run record: new (from where the last finished run reached), resumed (unfinished), or
    restarted from where this day's finished run reached (a second run the same day). A run whose
    operating hours differ from the last finished run's regenerates everyone in full."""
    day = now.astimezone(dt.UTC).date()
    hours_key = operating_hours_key(hours)
    with transaction.atomic():
        run = HorizonRoll.objects.select_for_update().filter(day=day).first()
        if run is None:
            previous = HorizonRoll.objects.filter(finished_at__isnull=False).order_by("-day").first()
            return HorizonRoll.objects.create(
                day=day,
                horizon_from=previous.horizon_until if previous else None,
                horizon_until=not_after,
                hours_key=hours_key,
                full=previous is not None and previous.hours_key != hours_key,
                started_at=now,
            )
        if run.finished_at is not None:
            run.full = run.hours_key != hours_key
            run.horizon_from, run.horizon_until = run.horizon_until, max(run.horizon_until, not_after)
            run.through_supporter_id, run.hours_key, run.started_at, run.finished_at = 0, hours_key, now, None
            run.save()
        return run


def _roll_batch(
    supporter_ids: list[int], *, run: HorizonRoll, now: dt.datetime, hours: dict
) -> tuple[int, int]:
    """Roll one batch of supporters in the caller's transaction: insert the slots of the days entering
    the horizon, retire open slots now inside the minimum notice (or past), recompute next open.

    Set-based: a fixed number of statements whatever the batch size. Locks the batch's supporter rows
    first, in id order, so nothing else changes their slots meanwhile. Returns (created, removed)."""
    supporters = list(
        SupporterProfile.objects.select_for_update(no_key=True)
        .filter(pk__in=supporter_ids)
        .exclude(status=SupporterProfile.Status.INACTIVE)
        .order_by("pk")
        .only("pk", "time_zone", "status")
    )
    ids = [supporter.pk for supporter in supporters]
    not_before = bookable_window(now)[0]
    not_after = run.horizon_until
    from_instant = max(run.horizon_from, not_before) if run.horizon_from else not_before
    rules: dict[int, list[AvailabilityRule]] = {}
    for rule in AvailabilityRule.objects.filter(supporter_id__in=ids):
        rules.setdefault(rule.supporter_id, []).append(rule)
    # Days are in each supporter's zone; a day either side of the UTC dates covers every zone.
    first_date = (from_instant - dt.timedelta(days=1)).date()
    last_date = (not_after + dt.timedelta(days=1)).date()
    blocked: dict[int, list[DateRange]] = {}
    for model in (TimeOff, LeaveOfAbsence):
        rows = (
            model.objects.filter(supporter_id__in=ids, start_date__lte=last_date)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=first_date))
            .values_list("supporter_id", "start_date", "end_date")
        )
        for supporter_id, start, end in rows:
            blocked.setdefault(supporter_id, []).append(DateRange(start, end))
    wanted: list[tuple[int, dt.datetime]] = []
    for supporter in supporters:
        if not rules.get(supporter.pk):
            continue
        tz = supporter.tzinfo
        starts = slot_starts(
            windows=[Window(r.weekday, r.start_time, r.end_time) for r in rules[supporter.pk]],
            tz=tz,
            first_day=from_instant.astimezone(tz).date(),
            last_day=not_after.astimezone(tz).date(),
            not_before=from_instant,
            not_after=not_after,
            blocked=blocked.get(supporter.pk, ()),
            operating_hours=hours,
            ops_tz=ops_zone(),
        )
        wanted += [(supporter.pk, start) for start in starts]
    created = 0
    if wanted:
        existing = set(
            Slot.objects.filter(
                supporter_id__in=ids, start__gte=from_instant, start__lte=not_after
            ).values_list("supporter_id", "start")
        )
        length = dt.timedelta(minutes=settings.SESSION_MINUTES)
        new = [
            Slot(supporter_id=supporter_id, start=start, end=start + length)
            for supporter_id, start in wanted
            if (supporter_id, start) not in existing
        ]
        Slot.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
        created = len(new)
        if new:  # one announcement per batch: the waitlist finds who waits in one query
            events.announce(HorizonRolled(openings=tuple((slot.supporter_id, slot.start) for slot in new)))
    removed = sum(_retire_open_slots(Slot.objects.filter(supporter_id__in=ids, start__lt=not_before)))
    _next_open_recompute(ids, now=now)
    return created, removed


class _RegenerateEach(Exception):
    """This run regenerates each supporter in full (the operating hours changed)."""


def _regenerate_each(supporter_ids: list[int], *, now: dt.datetime, hours: dict) -> tuple[int, int]:
    """The fallback for a batch that failed on its data: each supporter regenerated on its own, a
    failure logged and skipped, so one supporter never stops the others."""
    created = removed = 0
    for supporter_id in supporter_ids:
        try:
            result = slots_regenerate(supporter_id=supporter_id, now=now, hours=hours)
        except Exception:
            logger.exception("could not regenerate the slots of supporter %s", supporter_id)
            continue
        created += result.created
        removed += result.removed
    return created, removed


def slots_roll_horizon(*, now: dt.datetime | None = None, batch_size: int = ROLL_BATCH_SIZE) -> Regeneration:
    """Daily: move every supporter's slot inventory forward to the new horizon. Incremental and
    set-based: only the days between the horizon the last finished run reached and today's are
    generated (the whole horizon when no run has finished yet), for a batch of supporters at a time
    (``_roll_batch``: one transaction and a fixed number of statements per batch); open slots that came
    within the minimum notice are retired and next open times recomputed in the same batch.

    Resumable and safe to run twice: each batch commits with the run's progress (``HorizonRoll``), so a
    run that stopped (a lost worker, a database error, which propagate so the task is retried) resumes
    after the last committed batch; a run after a finished one the same day only covers the minutes
    since, and inserts nothing that exists. A batch that fails on its data falls back to regenerating
    its supporters one by one (each its own transaction, failures logged and skipped), and so does every
    batch of a run whose operating hours differ from the last finished run's (``slots_regenerate_all``
    after a staff change normally did that already; this catches a lost task)."""
    now = now or timezone.now()
    hours = operating_hours()
    run = _roll_run(now=now, not_after=bookable_window(now)[1], hours=hours)
    created = removed = 0
    after = run.through_supporter_id
    active = SupporterProfile.objects.exclude(status=SupporterProfile.Status.INACTIVE).order_by("pk")
    with batched():  # one bump of the directory cache at the end, not one per supporter
        while ids := list(active.filter(pk__gt=after).values_list("pk", flat=True)[:batch_size]):
            try:
                if run.full:
                    raise _RegenerateEach
                with transaction.atomic():
                    batch_created, batch_removed = _roll_batch(ids, run=run, now=now, hours=hours)
                    HorizonRoll.objects.filter(pk=run.pk).update(through_supporter_id=ids[-1])
            except (DatabaseError, SoftTimeLimitExceeded):
                raise  # the database or the time limit: stop here, the rerun resumes after the last batch
            except _RegenerateEach:
                batch_created, batch_removed = _regenerate_each(ids, now=now, hours=hours)
                HorizonRoll.objects.filter(pk=run.pk).update(through_supporter_id=ids[-1])
            except Exception:
                logger.exception(
                    "could not roll supporters %s to %s at once; one by one instead", ids[0], ids[-1]
                )
                batch_created, batch_removed = _regenerate_each(ids, now=now, hours=hours)
                HorizonRoll.objects.filter(pk=run.pk).update(through_supporter_id=ids[-1])
            created += batch_created
            removed += batch_removed
            after = ids[-1]
    # Inactive supporters keep no open slots at all.
    with transaction.atomic():
        inactive = SupporterProfile.objects.filter(status=SupporterProfile.Status.INACTIVE)
        locked = list(inactive.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
        inactive_removed = sum(_retire_open_slots(Slot.objects.filter(supporter_id__in=locked)))
        SupporterProfile.objects.filter(pk__in=locked).update(**dict.fromkeys(_next_open_values(now)))
    next_open_refresh_stale(now=now)
    fair_order_rewrite(now=now)  # nothing to do unless the run just after midnight was missed
    directory_changed()  # every batch moved next open times and added days
    HorizonRoll.objects.filter(pk=run.pk).update(finished_at=now)
    return Regeneration(created=created, removed=removed + inactive_removed)


def slots_regenerate_all(*, now: dt.datetime | None = None) -> Regeneration:
    """Regenerate every supporter who is not inactive in full, one transaction each (after staff change
    the operating hours). A supporter's failure is logged and skipped; the next roll, seeing hours that
    differ from its last run's, regenerates everyone again."""
    now = now or timezone.now()
    ids = list(
        SupporterProfile.objects.exclude(status=SupporterProfile.Status.INACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    with batched():
        created, removed = _regenerate_each(ids, now=now, hours=operating_hours())
    with transaction.atomic():
        inactive = SupporterProfile.objects.filter(status=SupporterProfile.Status.INACTIVE)
        locked = list(inactive.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
        removed += sum(_retire_open_slots(Slot.objects.filter(supporter_id__in=locked)))
        SupporterProfile.objects.filter(pk__in=locked).update(**dict.fromkeys(_next_open_values(now)))
    return Regeneration(created=created, removed=removed)
