"""Rendered directory results and supporter cards, kept in Django's cache (Redis in production, local
memory embedded) and dropped by a small version scheme instead of by deleting keys.

- A **directory generation** (one cache key) names every cached result page: the signed-out directory's
  results fragment, and its whole page for a visitor with no session and no waiting message, are kept
  under (generation, viewer's zone, 15-minute time bucket, filters, page); so is the list of filter tags.
- A **version per supporter** names their card: a card is kept under (supporter, version, zone, next open
  time), so a card whose supporter did not change is reused when a page around it is rendered again. The
  signed-out profile page is kept under the same version (with the common epoch, zone, quarter hour, week).
- A **common epoch** names what depends on no one supporter: the filter tags, and every profile page. It
  moves only with a change not tied to one supporter (a tag edited in the admin, the daily roll), so a
  booking with one supporter renders neither the filter tags nor anyone else's profile again.

:func:`directory_changed` bumps the generation and the supporter's version (no supporter: the generation
and the common epoch); it is the one hook every change the directory can show goes through: a profile save
(text, tags, photo, zone), any slot status change that opens or takes an hour, a regeneration (rules, time
off, leave, the daily roll, status changes in the admin). It bumps at once and again after commit: a page
rendered between the two from the old rows is stored under a generation that is already gone once the
change is visible.

The time bucket is part of every page key because what is bookable moves with the clock (the minimum
notice, the horizon, "next 48 hours", "this week", the daily fair order); sessions start on the hour and
every zone's midnight falls on a quarter hour, so a 15-minute bucket never shows an hour that can no longer
be booked. Entries also expire after ``DIRECTORY_CACHE_SECONDS``, which bounds what a missed hook could
cost. Every cache call fails open (peersnet.kernel.cache): with Redis down the pages are rendered afresh.
"""

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "supporters:directory:generation"
COMMON_KEY = "supporters:directory:common"
BUCKET_MINUTES = 15


def _version_key(supporter_id: int) -> str:
    return f"supporters:version:{supporter_id}"


def _fresh() -> int:
    """A starting value no earlier generation or version can have had (nanoseconds since the epoch), so a
    counter that was evicted or flushed never comes back to a number old entries are stored under."""
    return time.time_ns()


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # missing (or the cache is unreachable: CacheUnavailable is a ValueError)
        cache.set(key, _fresh(), timeout=None)


def _bump_all(supporter_id: int | None) -> None:
    _bump(GENERATION_KEY)
    _bump(COMMON_KEY if supporter_id is None else _version_key(supporter_id))


class _Batch(threading.local):
    depth = 0
    supporter_ids: set


_batch = _Batch()


def directory_changed(*, supporter_id: int | None = None) -> None:
    """Something the directory, a card or a profile shows changed for this supporter (None: for several
    or for nobody in particular, which also drops the filter tags and every profile): cached result pages
    and this supporter's card and profile are not used again. Call
    it inside the transaction making the change; it bumps at once and again after commit (inside
    :func:`batched`, once when the batch ends)."""
    if _batch.depth:
        _batch.supporter_ids.add(supporter_id)
        return
    _bump_all(supporter_id)
    transaction.on_commit(lambda: _bump_all(supporter_id))


def order_changed() -> None:
    """The directory's order changed for everyone (the fair order rewritten for a new day) while no card,
    profile or filter tag did: cached result pages are not used again; cards and profiles are."""
    _bump(GENERATION_KEY)
    transaction.on_commit(lambda: _bump(GENERATION_KEY))


@contextmanager
def batched():
    """Many changes in a row, each in its own transaction (the daily roll): bump once at the end instead
    of per supporter, after every transaction inside has committed (so the end is after their commits)."""
    if _batch.depth == 0:
        _batch.supporter_ids = set()
    _batch.depth += 1
    try:
        yield
    finally:
        _batch.depth -= 1
        if _batch.depth == 0 and _batch.supporter_ids:
            ids = _batch.supporter_ids - {None}

            everyone = None in _batch.supporter_ids

            def bump() -> None:
                for supporter_id in ids:
                    _bump(_version_key(supporter_id))
                if everyone:
                    _bump(COMMON_KEY)
                _bump(GENERATION_KEY)

            bump()
            transaction.on_commit(bump)  # run at once outside a transaction, else again after its commit


def _current(key: str) -> int:
    value = cache.get(key)
    if value is None:
        value = _fresh()
        if not cache.add(key, value, timeout=None):
            value = cache.get(key, value)
    return value


def generation() -> int:
    """The current directory generation (started afresh when missing)."""
    return _current(GENERATION_KEY)


def common_epoch() -> int:
    """The current common epoch (started afresh when missing)."""
    return _current(COMMON_KEY)


def version(supporter_id: int) -> int | None:
    """The supporter's card version if one was started (None otherwise: nothing is cached under it)."""
    return cache.get(_version_key(supporter_id))


def versions(supporter_ids: Iterable[int]) -> dict[int, int]:
    """The card version of each supporter (one cache round trip; missing ones started afresh)."""
    ids = list(supporter_ids)
    return _versions(ids, cache.get_many([_version_key(pk) for pk in ids]))


def card_versions(supporter_ids: Iterable[int]) -> tuple[dict[int, int], int]:
    """:func:`versions` and the common epoch, which every card key holds, in the same round trip."""
    ids = list(supporter_ids)
    found = cache.get_many([COMMON_KEY, *(_version_key(pk) for pk in ids)])
    common = found.get(COMMON_KEY)
    return _versions(ids, found), common if common is not None else common_epoch()


def _versions(ids: list[int], found: dict) -> dict[int, int]:
    result = {}
    missing = {}
    for pk in ids:
        value = found.get(_version_key(pk))
        if value is None:
            value = missing[_version_key(pk)] = _fresh()
        result[pk] = value
    if missing:
        cache.set_many(missing, timeout=None)
    return result


def time_bucket(now: dt.datetime) -> str:
    """The quarter hour (UTC) ``now`` falls in: what is bookable stays the same within it."""
    now = now.astimezone(dt.UTC)
    return now.strftime("%Y%m%d%H") + f"{now.minute // BUCKET_MINUTES:02d}"


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]


def results_key(*, querystring: str, page: int, zone: str, now: dt.datetime, whole_page: bool = False) -> str:
    """Where the signed-out directory's results fragment (or, ``whole_page``, the whole page around it)
    for these filters and page is kept."""
    kind = "page" if whole_page else "results"
    return f"supporters:{kind}:" + _digest(generation(), zone, time_bucket(now), querystring, page)


def profile_key(
    *, supporter_id: int, version: int, week: int, fragment: bool, zone: str, now: dt.datetime
) -> str:
    """Where a supporter's signed-out profile page (or its week fragment) is kept: it changes with the
    supporter (version: profile, tags, photo, open times, leave), the common epoch (a tag renamed, the
    daily roll), the zone, the quarter hour (what is bookable) and the week shown. Not with the
    generation: a booking with someone else leaves this profile as it was."""
    parts = (version, common_epoch(), zone, time_bucket(now), week, fragment)
    return f"supporters:profile:{supporter_id}:" + _digest(*parts)


def filter_tags(load: Callable[[], list]) -> list:
    """The tags the directory filters by, kept per common epoch (a tag edited in the admin moves it; a
    booking does not)."""
    if not enabled():
        return load()
    key = f"supporters:filter-tags:{common_epoch()}"
    tags = cache.get(key)
    if tags is None:
        tags = load()
        cache.set(key, tags, timeout=settings.DIRECTORY_CACHE_SECONDS)
    return tags


def filters_key(*, querystring: str, tags: Iterable) -> str:
    """Where the directory's filter form is kept, as rendered for these filters: it is the same for every
    visitor (signed in or not) and changes only with the filters chosen and the tags offered (kind, slug
    and name), not with the generation, so a booking elsewhere does not make it render again."""
    offered = [(tag.kind, tag.slug, tag.name) for tag in tags]
    return "supporters:filters:" + _digest(querystring, *offered)


def card_key(
    *, supporter_id: int, version: int, common: int, zone: str, next_open: dt.datetime | None
) -> str:
    """Where one supporter's directory card is kept: it changes with the supporter (version: text, photo,
    their tags), the common epoch (a tag renamed in the admin), the zone the next open time is shown in,
    and that time. Nothing in the key needs the card's topic tags, so they are read only for the cards
    rendered again."""
    stamp = next_open.astimezone(dt.UTC).isoformat() if next_open else "none"
    return f"supporters:card:{supporter_id}:" + _digest(version, common, zone, stamp)


def enabled() -> bool:
    """``DIRECTORY_CACHE_SECONDS=0`` turns the cache off: nothing is read either, so entries stored before
    it was turned off are never served, and no round trip is made."""
    return settings.DIRECTORY_CACHE_SECONDS > 0


def get(key: str) -> str | None:
    return cache.get(key) if enabled() else None


def get_many(keys: list[str]) -> dict[str, str]:
    return cache.get_many(keys) if enabled() else {}


def put(key: str, html: str) -> None:
    if enabled():
        cache.set(key, html, timeout=settings.DIRECTORY_CACHE_SECONDS)


def put_many(entries: dict[str, str]) -> None:
    if entries and enabled():
        cache.set_many(entries, timeout=settings.DIRECTORY_CACHE_SECONDS)
