"""The daily fair order of supporters: who comes first among those who tie (the same next open time in
the directory, the same score in matching, the same start in "next available").

It is a permutation of supporter ids that is the same all (UTC) day and new every day: id -> (id * a + b)
mod P, with a and b drawn from the day's date. P is prime, so for a multiplier in 1..P-1 the map is
one-to-one on any P consecutive ids (a million supporters before two could share a place).

The directory reads it stored: ``SupporterProfile.fair_rank`` holds each supporter's place for the day,
rewritten at the start of every UTC day (``services.fair_order_rewrite``), so the directory's indexes can
hold it after the next open time and a page is a range scan of its own rows, however many supporters tie
at the earliest hour. Everything here is pure: the same answer in Python (``rank_of``) and in SQL
(``rank_expression``).
"""

import datetime as dt
import hashlib

from django.db.models import BigIntegerField, ExpressionWrapper, F, Value
from django.db.models.functions import Mod

PRIME = 1_000_003


def day_of(now: dt.datetime) -> dt.date:
    """The UTC day whose order applies at ``now``."""
    return now.astimezone(dt.UTC).date()


def _rotation(day: dt.date) -> tuple[int, int]:
    """The day's (multiplier, offset)."""
    digest = hashlib.sha256(day.isoformat().encode()).digest()
    multiplier = 1 + int.from_bytes(digest[:8], "big") % (PRIME - 1)
    offset = int.from_bytes(digest[8:16], "big") % PRIME
    return multiplier, offset


def rank_of(supporter_id: int, now: dt.datetime) -> int:
    """A supporter's place in the fair order of the day of ``now`` (lower comes first)."""
    multiplier, offset = _rotation(day_of(now))
    return (supporter_id * multiplier + offset) % PRIME


def rank_expression(field: str, now: dt.datetime) -> Mod:
    """``rank_of`` in SQL, for the id in ``field``: what the stored rank is rewritten to, and the sort
    key of reads that order rows other than profiles (slots in "next available")."""
    multiplier, offset = _rotation(day_of(now))
    big = BigIntegerField()
    return Mod(
        ExpressionWrapper(F(field) * Value(multiplier, big) + Value(offset, big), output_field=big),
        Value(PRIME, big),
        output_field=big,
    )
