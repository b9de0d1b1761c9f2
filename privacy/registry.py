"""Each app exports and erases its own data: it registers a section here from its AppConfig.ready().

privacy sits low in the layers (above accounts, below seekers, supporters, bookings ...), so it can't
import the apps whose data it gathers. Instead each app registers:

- ``exporter(user) -> dict | list | None``: the person's data that app holds, as plain JSON values (times
  as ISO 8601 in UTC; None or an empty value leaves the section out of the export);
- ``eraser(user, *, now)``: erase or anonymise it. Runs inside the deletion's transaction with the user row
  locked; it may call its app's normal services (bookings cancels future sessions as a cancellation);
- ``consequences(user, *, now) -> list[str]``: sentences shown before a deletion is confirmed (what will
  happen to each future session, say), computed by the app's own rules.

Erasers run in ``order`` (lower first): bookings cancels sessions (10) before the apps whose rows those
cancellations still read (gifts 30, payments 40, profiles 50). Later apps (messaging, safety) register the
same way; the export's structure is just the registered sections.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[..., None]
Consequences = Callable[..., list[str]]


@dataclass(frozen=True)
class Section:
    name: str
    exporter: Exporter | None = None
    eraser: Eraser | None = None
    consequences: Consequences | None = None
    order: int = 100


_sections: dict[str, Section] = {}


def register(
    name: str,
    *,
    exporter: Exporter | None = None,
    eraser: Eraser | None = None,
    consequences: Consequences | None = None,
    order: int = 100,
) -> None:
    """Register (or replace, on a reload) the section ``name``."""
    _sections[name] = Section(name, exporter, eraser, consequences, order)


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.name))


def iso(value: dt.datetime | dt.date | None) -> str | None:
    """A time as ISO 8601 in UTC (a date as itself), for exporters."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()
