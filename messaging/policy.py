"""Pure decisions about messaging (no database): the reply-by deadline, whether a thread is open."""

import datetime as dt
from collections.abc import Iterable

Pause = tuple[dt.datetime, dt.datetime | None]  # [start, end) of a leave; end None: until it is ended


def reply_deadline(
    *, since: dt.datetime, allowed: dt.timedelta, pauses: Iterable[Pause]
) -> dt.datetime | None:
    """When the supporter should have replied to a message awaiting since ``since``: ``allowed`` of
    running time, the clock stopped during each pause (a leave). None while an open-ended pause runs.

    Instants are absolute (UTC), so 48 hours are 48 real hours whatever a daylight-saving change does
    to the wall clock."""
    at, remaining = since, allowed
    for start, end in sorted(pauses, key=lambda pause: pause[0]):
        if end is not None and end <= at:
            continue  # over before the clock started (or already skipped)
        if start > at:
            if at + remaining <= start:
                return at + remaining
            remaining -= start - at
            at = start
        if end is None:
            return None
        at = max(at, end)
    return at + remaining


def open_until(*, last_session_end: dt.datetime, open_for: dt.timedelta) -> dt.datetime:
    """A conversation can be written in until this instant (then it is read-only)."""
    return last_session_end + open_for
