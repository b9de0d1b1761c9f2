"""Fast seeding for the benchmark: N active supporters with weekly rules and eight weeks of slots,
30% of them taken. Bulk inserts only, so a thousand supporters take seconds, not minutes."""

import datetime as dt
import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from accounts.models import User
from accounts.timezones import zone
from supporters.availability import Window, slot_starts
from supporters.demo import TAGS, seed_tags
from supporters.models import AvailabilityRule, HorizonRoll, Slot, SupporterProfile, Tag
from supporters.services import (
    bookable_window,
    fair_order_rewrite,
    next_open_update,
    operating_hours,
    ops_zone,
)
from supporters.services.slots import operating_hours_key

TAKEN_SHARE = 0.30
FILTER_TOPIC = "anxiety"  # a third of the seeded supporters have it
EMAIL_DOMAIN = "bench.peersnet.example"
# (zone, hours ahead of Pacific): the US zones change clocks on the same nights, so the offset holds.
ZONES = [
    ("America/Los_Angeles", 0),
    ("America/Los_Angeles", 0),
    ("America/Denver", 1),
    ("America/Chicago", 2),
    ("America/New_York", 3),
]
ZONE_OFFSETS = dict(ZONES)
FIRST_NAMES = [
    "Ava", "Ben", "Carmen", "Dev", "Elena", "Femi", "Gus", "Hana", "Ivan", "Jae", "Kiri", "Luis",
    "Mina", "Nour", "Omar", "Pia", "Quinn", "Rosa", "Sami", "Tara", "Uma", "Vik", "Wen", "Yara", "Zeke",
]  # fmt: skip
LAST_NAMES = [
    "Abara", "Brooks", "Castillo", "Dang", "Evans", "Farah", "Garcia", "Hughes", "Ito", "Jensen",
    "Khan", "Lopez", "Moreau", "Nakamura", "Okafor", "Park", "Quist", "Rivera", "Singh", "Tran",
]  # fmt: skip


@dataclass(frozen=True)
class Seeded:
    supporter_ids: list[int]
    slots: int
    taken: int


def _windows_for(rng: random.Random) -> list[tuple[int, int, int]]:
    """(weekday, start, end) in Pacific hours: one evening window and one to three daytime ones, on
    different weekdays, 4 to 15 hours a week (about 9 on average)."""
    weekdays = rng.sample(range(5), rng.randint(2, 4))
    evening_start = rng.choice([17, 18])
    windows = [(weekdays[0], evening_start, min(21, evening_start + rng.randint(2, 3)))]
    for weekday in weekdays[1:]:
        start = rng.randint(9, 15)
        windows.append((weekday, start, start + rng.randint(2, 4)))
    return windows


def seed(*, supporters: int, first_number: int = 1, rng: random.Random | None = None) -> Seeded:
    """Add ``supporters`` active supporters with weekly rules and their slots for the booking horizon,
    ~30% of the slots held or booked. Bulk inserts only: seconds for a thousand supporters.

    Slots come from the same arithmetic the services use (``availability.slot_starts``), computed once
    per (zone, window) pair. Taken slots are marked by status only; no booking rows are made, since the
    reads measured here look at slot status.
    """
    rng = rng or random.Random(3)  # noqa: S311 - repeatable data, not security
    tags = seed_tags()
    topics = [tags[(Tag.Kind.TOPIC, name)] for name in TAGS[Tag.Kind.TOPIC]]
    anxiety = next(tag for tag in topics if tag.slug == FILTER_TOPIC)
    others = [tag for tag in tags.values() if tag.kind != Tag.Kind.TOPIC]
    password = make_password(None)  # bench users cannot sign in
    numbers = range(first_number, first_number + supporters)
    User.objects.bulk_create(
        [
            User(
                email=f"bench{n:05d}@{EMAIL_DOMAIN}",
                first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
                password=password,
            )
            for n in numbers
        ],
        batch_size=1000,
    )
    users = dict(
        User.objects.filter(
            email__endswith=f"@{EMAIL_DOMAIN}", email__in=[f"bench{n:05d}@{EMAIL_DOMAIN}" for n in numbers]
        ).values_list("email", "pk")
    )
    profiles = []
    for n in numbers:
        zone_name, _offset = ZONES[n % len(ZONES)]
        first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)]
        profiles.append(
            SupporterProfile(
                user_id=users[f"bench{n:05d}@{EMAIL_DOMAIN}"],
                display_name=f"{first} {last} {n}",
                pronouns=rng.choice(["she/her", "he/him", "they/them", "she/they"]),
                intro=f"Peer supporter number {n}. I listen without judgment and go at your pace.",
                story="Lived experience, in my own words. " * 8,
                time_zone=zone_name,
                hourly_pay_cents=2600,
                status=SupporterProfile.Status.ACTIVE,
            )
        )
    SupporterProfile.objects.bulk_create(profiles, batch_size=1000)
    fair_order_rewrite()  # bulk_create skips the model's save(), which gives a new profile its place
    supporter_rows = list(
        SupporterProfile.objects.filter(user_id__in=users.values())
        .order_by("pk")
        .values_list("pk", "time_zone")
    )

    through = SupporterProfile.tags.through
    links, rules, slots = [], [], []
    hours, ops = operating_hours(), ops_zone()
    now = timezone.now()
    not_before, not_after = bookable_window(now)
    starts_cache: dict[tuple[str, int, int, int], list[dt.datetime]] = {}
    length = dt.timedelta(minutes=settings.SESSION_MINUTES)
    taken = 0
    for index, (supporter_id, zone_name) in enumerate(supporter_rows):
        picked = rng.sample(topics, rng.randint(2, 5))
        if index % 3 == 0 and anxiety not in picked:
            picked[0] = anxiety
        elif index % 3 and anxiety in picked:
            picked.remove(anxiety)
        picked += rng.sample(others, rng.randint(2, 4))
        links += [through(supporterprofile_id=supporter_id, tag_id=tag.pk) for tag in picked]
        offset = ZONE_OFFSETS[zone_name]
        tz = zone(zone_name)
        for weekday, start, end in _windows_for(rng):
            local_start, local_end = (
                dt.time(start + offset),
                dt.time(end + offset) if end + offset < 24 else dt.time(23, 59),
            )
            rules.append(
                AvailabilityRule(
                    supporter_id=supporter_id, weekday=weekday, start_time=local_start, end_time=local_end
                )
            )
            key = (zone_name, weekday, start, end)
            if key not in starts_cache:
                starts_cache[key] = slot_starts(
                    windows=[Window(weekday, local_start, local_end)],
                    tz=tz,
                    first_day=not_before.astimezone(tz).date(),
                    last_day=not_after.astimezone(tz).date(),
                    not_before=not_before,
                    not_after=not_after,
                    operating_hours=hours,
                    ops_tz=ops,
                )
            for slot_start in starts_cache[key]:
                status = Slot.Status.OPEN
                if rng.random() < TAKEN_SHARE:
                    status = Slot.Status.BOOKED if rng.random() < 2 / 3 else Slot.Status.HELD
                    taken += 1
                slots.append(
                    Slot(supporter_id=supporter_id, start=slot_start, end=slot_start + length, status=status)
                )
    through.objects.bulk_create(links, batch_size=5000)
    AvailabilityRule.objects.bulk_create(rules, batch_size=5000)
    Slot.objects.bulk_create(slots, batch_size=5000)
    # As the slot services would have left them: every supporter's stored next open time, and a finished
    # horizon roll up to today's horizon (the steady state: yesterday's roll ran).
    ids = [pk for pk, _zone in supporter_rows]
    with connection.cursor() as cursor:  # statistics first, or the planner may not use the slot index
        cursor.execute("ANALYZE")
    for first in range(0, len(ids), 1000):
        next_open_update(supporter_ids=ids[first : first + 5000], now=now)
    HorizonRoll.objects.update_or_create(
        day=now.astimezone(dt.UTC).date(),
        defaults={
            "horizon_until": not_after,
            "hours_key": operating_hours_key(hours),
            "started_at": now,
            "finished_at": now,
        },
    )
    return Seeded(supporter_ids=[pk for pk, _zone in supporter_rows], slots=len(slots), taken=taken)


def analyze() -> None:
    """Bring the freshly loaded tables to a steady state, as autovacuum (PostgreSQL 13+ also vacuums
    after inserts) or ``PRAGMA optimize`` (SQLite) would: planner statistics, and on PostgreSQL the
    visibility map that lets index-only scans skip the table."""
    # VACUUM cannot run inside a transaction (the smoke test's); statistics alone are enough there.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
