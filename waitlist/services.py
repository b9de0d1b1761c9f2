"""The waitlist: join and leave a supporter's list, offer (hold) a slot that opened to the first person
in line whose days and hours it fits, end holds that ran out, and note a booking made from a hold.

Lock order, the same as every slot change: the supporter row, then the slot, then the waitlist's rows.
Offers are made inside the transaction that opened the slot (a SlotsOpened handler), so a freed slot is
held for the person in line before anyone else can see it open. Offers of all supporters are made one at
a time (a transaction-scoped advisory lock on PostgreSQL; SQLite writes one transaction at a time
anyway): a seeker waiting for two supporters whose times open at once is offered only one of them, and
the checks below (one live hold, one email a day) read what the previous offer committed.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from peersnet.errors import DomainError
from peersnet.kernel.enqueue import enqueue_on_commit
from seekers.models import SeekerProfile
from supporters import services as supporters
from supporters.models import Slot, SupporterConflict, SupporterProfile
from supporters.selectors import conflict_exists

from . import emails
from .models import WaitlistEntry, WaitlistOffer

logger = logging.getLogger(__name__)

# A hold shorter than this is not worth an email: the slot stays open for anyone instead.
MIN_HOLD = dt.timedelta(minutes=15)
# At most one waitlist email per seeker in this long.
EMAIL_GAP = dt.timedelta(hours=24)
# The key of the advisory lock that makes offers one at a time (any fixed number of our own).
_OFFER_LOCK_KEY = 16_0016
LEAVE_SALT = "waitlist.leave"

Offer = WaitlistOffer.Status


class WaitlistError(DomainError):
    pass


def _weekday_bits(weekdays) -> int:
    bits = 0
    for day in weekdays:
        day = int(day)
        if not 0 <= day <= 6:
            raise WaitlistError(_("Choose days of the week."), code="bad_day")
        bits |= 1 << day
    return bits


# --- Joining and leaving -----------------------------------------------------------------------


@transaction.atomic
def waitlist_join(
    *,
    seeker: SeekerProfile,
    supporter_id: int,
    weekdays,
    from_hour: int,
    until_hour: int,
    now: dt.datetime | None = None,
) -> WaitlistEntry:
    """Put the seeker on the supporter's list with the days and hours that suit them (in the seeker's
    zone), or change those if they are already on it (keeping their place in line). Refuses a supporter
    who isn't listed, no day, and hours out of order. Locks the seeker's waiting entry, if any."""
    now = now or timezone.now()
    if not SupporterProfile.objects.listed().filter(pk=supporter_id).exists():
        raise WaitlistError(_("This supporter isn't taking new bookings right now."), code="not_listed")
    if conflict_exists(seeker_user_id=seeker.user_id, supporter_id=supporter_id):
        # One of them said "I know this person": never say which, or why.
        raise WaitlistError(_("This supporter can't take your sessions."), code="conflict")
    bits = _weekday_bits(weekdays)
    if not bits:
        raise WaitlistError(_("Choose at least one day."), code="no_day")
    if not (0 <= from_hour < until_hour <= 24):
        raise WaitlistError(_("The end of your hours must be after the start."), code="hours")
    if (until_hour - from_hour) * 60 < settings.SESSION_MINUTES:
        raise WaitlistError(_("Leave room for at least one whole session."), code="hours")
    entry = (
        WaitlistEntry.objects.select_for_update()
        .filter(seeker=seeker, supporter_id=supporter_id, status=WaitlistEntry.Status.WAITING)
        .first()
    )
    if entry is None:
        entry = WaitlistEntry(seeker=seeker, supporter_id=supporter_id, created_at=now)
    entry.weekdays, entry.from_hour, entry.until_hour = bits, from_hour, until_hour
    entry.time_zone = seeker.user.time_zone
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # a double click joined a moment before: that place stands
        raise WaitlistError(_("You're already on this list."), code="already") from None
    return entry


@transaction.atomic
def waitlist_leave(*, entry_id: int, seeker: SeekerProfile | None = None, now: dt.datetime | None = None):
    """Take the seeker off the list (one click, from the site or the email's link). A time held for them
    is let go at once and offered to the next in line. Safe to repeat. Locks the supporter row, then the
    entry (the lock order of the offers), then the held slot through supporters."""
    now = now or timezone.now()
    owner = {"seeker": seeker} if seeker is not None else {}
    supporter_id = (
        WaitlistEntry.objects.filter(pk=entry_id, **owner).values_list("supporter_id", flat=True).first()
    )
    if supporter_id is None:
        raise WaitlistError(_("We couldn't find that waitlist."), code="not_found")
    # The supporter row first: a SlotsOpened handler making an offer from this entry holds it already.
    SupporterProfile.objects.select_for_update().filter(pk=supporter_id).first()
    entry = WaitlistEntry.objects.select_for_update().select_related("seeker").get(pk=entry_id)
    if entry.status != WaitlistEntry.Status.WAITING:
        return entry
    entry.status, entry.ended_at = WaitlistEntry.Status.LEFT, now
    entry.save(update_fields=["status", "ended_at"])
    for offer in WaitlistOffer.objects.select_for_update().filter(entry=entry, status=Offer.ACTIVE):
        _end_offer(offer, status=Offer.WITHDRAWN, now=now)
        supporters.slot_reservation_end(slot_id=offer.slot_id, user_id=entry.seeker.user_id, now=now)
    return entry


def leave_token(entry: WaitlistEntry) -> str:
    """The secret of the email's "leave this list" link: the entry, signed."""
    return signing.dumps(entry.pk, salt=LEAVE_SALT)


def entry_from_leave_token(token: str) -> WaitlistEntry | None:
    try:
        entry_id = signing.loads(token, salt=LEAVE_SALT)
    except signing.BadSignature:
        return None
    return WaitlistEntry.objects.select_related("supporter").filter(pk=entry_id).first()


# --- Offers ------------------------------------------------------------------------------------


def _end_offer(offer: WaitlistOffer, *, status: str, now: dt.datetime) -> None:
    offer.status, offer.ended_at = status, now
    offer.save(update_fields=["status", "ended_at"])


def _offers_one_at_a_time() -> None:
    """Serialise offer-making across supporters until this transaction ends (see the module docstring)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_OFFER_LOCK_KEY])


def offers_make_for_opened(
    *, supporter_id: int, starts, now: dt.datetime | None = None
) -> list[WaitlistOffer]:
    """Slots of a supporter just turned open (SlotsOpened): end any hold still recorded on them (it ran
    out or was let go), then hold each for the first waiting seeker whose days and hours it fits, who
    hasn't been offered it before, holds nothing else and had no waitlist email in the last 24 hours.
    The hold lasts WAITLIST_HOLD, never past the last moment the slot can be booked; the seeker gets one
    email (after commit, through the outbox).

    Runs in the announcer's transaction with the supporter row locked (and the slot, when one was freed).
    Returns the offers made."""
    now = now or timezone.now()
    # Who waits first (one query when nobody does: this runs on every regeneration). With nobody in line
    # a hold still recorded on these slots is ended by whoever let it go (the expiry sweep, leaving).
    line = list(
        WaitlistEntry.objects.filter(supporter_id=supporter_id, status=WaitlistEntry.Status.WAITING)
        # A pair in conflict ("I know this person", raised after joining) is never offered a time.
        .exclude(
            Exists(
                SupporterConflict.objects.filter(
                    supporter_id=supporter_id, seeker_user_id=OuterRef("seeker__user_id")
                )
            )
        )
        .select_related("seeker__user", "supporter")
        .order_by("created_at", "pk")
    )
    if not line:
        return []
    slots = list(Slot.objects.filter(supporter_id=supporter_id, start__in=starts, status=Slot.Status.OPEN))
    if not slots:
        return []
    for offer in WaitlistOffer.objects.select_for_update().filter(slot__in=slots, status=Offer.ACTIVE):
        _end_offer(offer, status=Offer.EXPIRED if offer.expires_at <= now else Offer.WITHDRAWN, now=now)
    earliest, latest = supporters.bookable_window(now)
    slots = [s for s in sorted(slots, key=lambda s: s.start) if earliest <= s.start <= latest]
    if not slots:
        return []
    _offers_one_at_a_time()
    seekers = {entry.seeker_id for entry in line}
    busy = set(
        WaitlistOffer.objects.filter(seeker_id__in=seekers)
        .filter(Q(status=Offer.ACTIVE) | Q(offered_at__gt=now - EMAIL_GAP))
        .values_list("seeker_id", flat=True)
    )
    offered_before = set(
        WaitlistOffer.objects.filter(slot__in=slots, entry__in=line).values_list("entry_id", "slot_id")
    )
    made = []
    for slot in slots:
        until = min(now + settings.WAITLIST_HOLD, slot.start - settings.MIN_BOOKING_NOTICE)
        if until - now < MIN_HOLD:
            continue
        for entry in line:
            if entry.seeker_id in busy or (entry.pk, slot.pk) in offered_before or not entry.fits(slot.start):
                continue
            offer = _offer(entry, slot, until=until, now=now)
            if offer is None:
                continue
            busy.add(entry.seeker_id)
            made.append(offer)
            break
    return made


def offers_make_for_rolled(*, openings, now: dt.datetime | None = None) -> list[WaitlistOffer]:
    """The daily roll added slots for a batch of supporters (HorizonRolled, their rows locked):
    ``openings`` are (supporter id, start) pairs. For each supporter someone waits for, offer their new
    slots as ``offers_make_for_opened`` would. One query when nobody waits for anyone in the batch."""
    starts_of: dict[int, list[dt.datetime]] = {}
    for supporter_id, start in openings:
        starts_of.setdefault(supporter_id, []).append(start)
    waited_for = sorted(
        set(
            WaitlistEntry.objects.filter(
                supporter_id__in=list(starts_of), status=WaitlistEntry.Status.WAITING
            ).values_list("supporter_id", flat=True)
        )
    )
    made: list[WaitlistOffer] = []
    for supporter_id in waited_for:
        made += offers_make_for_opened(
            supporter_id=supporter_id, starts=tuple(starts_of[supporter_id]), now=now
        )
    return made


def _offer(entry: WaitlistEntry, slot: Slot, *, until: dt.datetime, now: dt.datetime) -> WaitlistOffer | None:
    """Hold ``slot`` for ``entry``'s seeker and queue their email; None when the database refuses (they
    hold another time: a constraint) or the slot is no longer open."""
    try:
        with transaction.atomic():
            offer = WaitlistOffer.objects.create(
                entry=entry, seeker_id=entry.seeker_id, slot=slot, offered_at=now, expires_at=until
            )
            if not supporters.slot_reserve(slot_id=slot.pk, user_id=entry.seeker.user_id, until=until):
                raise _NotOpen
    except (IntegrityError, _NotOpen):
        return None
    emails.email_time_held(offer)
    return offer


class _NotOpen(Exception):
    """The slot stopped being open before it could be held (rolls the offer's savepoint back)."""


def waitlist_booked(*, seeker_user_id: int, supporter_id: int, slot_id: int, now: dt.datetime | None = None):
    """The seeker asked for a time with this supporter (BookingRequested): they leave that supporter's
    list, and a hold they had is marked booked (this slot) or let go after commit (another of the
    supporter's slots, offered to the next in line by a task). Runs in booking_request's transaction,
    the booked slot locked; locks the seeker's entry and offers."""
    now = now or timezone.now()
    entries = list(
        WaitlistEntry.objects.select_for_update().filter(
            seeker__user_id=seeker_user_id, supporter_id=supporter_id, status=WaitlistEntry.Status.WAITING
        )
    )
    for entry in entries:
        entry.status, entry.ended_at = WaitlistEntry.Status.BOOKED, now
        entry.save(update_fields=["status", "ended_at"])
    offers = WaitlistOffer.objects.select_for_update().filter(
        seeker__user_id=seeker_user_id, slot__supporter_id=supporter_id, status=Offer.ACTIVE
    )
    for offer in offers:
        if offer.slot_id == slot_id:
            _end_offer(offer, status=Offer.BOOKED, now=now)
        else:
            _end_offer(offer, status=Offer.WITHDRAWN, now=now)
            from .tasks import release_hold  # the task module imports these services

            # If the broker can't take it, the hold simply runs out (the expiry sweep) as if unused.
            enqueue_on_commit(release_hold, offer.slot_id, seeker_user_id)


def hold_release(*, slot_id: int, user_id: int, now: dt.datetime | None = None) -> bool:
    """Let go of a hold that is no longer wanted: the slot opens again (and goes to the next in line) or
    closes, as the supporter's rules say. Safe to repeat: only a slot still held for ``user_id`` changes."""
    return supporters.slot_reservation_end(slot_id=slot_id, user_id=user_id, now=now)


def holds_expire_due(*, now: dt.datetime | None = None) -> int:
    """Every minute: holds whose time ran out are let go (each in its own transaction: the slot opens and
    the next in line is offered it, or it closes); holds whose slot someone else's change ended (the
    supporter stopped offering that hour) are marked so. Returns how many holds ended. Safe to rerun."""
    now = now or timezone.now()
    ended = 0
    due = WaitlistOffer.objects.filter(status=Offer.ACTIVE, expires_at__lte=now).values_list(
        "pk", "slot_id", "seeker__user_id"
    )
    for offer_id, slot_id, user_id in list(due):
        try:
            with transaction.atomic():
                let_go = supporters.slot_reservation_end(slot_id=slot_id, user_id=user_id, now=now)
                marked = WaitlistOffer.objects.filter(pk=offer_id, status=Offer.ACTIVE).update(
                    status=Offer.EXPIRED, ended_at=now
                )
                ended += bool(let_go or marked)
        except Exception:
            logger.exception("could not end the waitlist hold %s", offer_id)
    # Holds whose slot is no longer held for them (closed by a change of hours): nothing left to book.
    gone = WaitlistOffer.objects.filter(status=Offer.ACTIVE).exclude(
        slot__status=Slot.Status.RESERVED, slot__reserved_for=F("seeker__user")
    )
    ended += gone.update(status=Offer.LAPSED, ended_at=now)
    return ended


def hold_hours() -> str:
    """The hold's length in words for page copy: "2 hours", "90 minutes"."""
    minutes = int(settings.WAITLIST_HOLD.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"
