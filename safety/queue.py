"""The supervisor queue: one list of everything a supervisor must act on, each with its clock.

Each kind of work (crisis flags, mandatory reports, backup requests, overdue replies, reported
messages) registers a *section* in ``SafetyConfig.ready()``: a function that returns the open items as
``QueueItem`` values, in at most a fixed number of queries whatever the number of items. The queue page,
the counts in the staff header and the operations dashboard read only ``sections()``, ``items()`` and
``counts()``, never the models behind them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class QueueItem:
    kind: str  # the section's key: "crisis_flag", "mandatory_report", "backup_request", ...
    title: str  # what it is, never the words of a message or a report ("Crisis flag in a conversation")
    opened_at: dt.datetime
    due_at: dt.datetime | None  # the SLA deadline; None when the work has no clock
    url: str  # the page where a supervisor takes it (every open of it is access-logged there)
    action_label: str  # the one action, e.g. "Acknowledge"
    assignee_name: str = ""  # who has taken it, or "" when nobody has


@dataclass(frozen=True)
class Section:
    key: str
    label: str  # "Crisis flags"
    provider: Callable[[dt.datetime], list[QueueItem]]  # now -> the open items, oldest first
    order: int = 100


_sections: dict[str, Section] = {}


def register_section(
    key: str, label: str, provider: Callable[[dt.datetime], list[QueueItem]], order: int = 100
) -> None:
    """Add (or replace, for a second ready()) the section ``key``."""
    _sections[key] = Section(key=key, label=label, provider=provider, order=order)


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


def items(now: dt.datetime) -> list[tuple[Section, list[QueueItem]]]:
    """Every section with its open items, in section order."""
    return [(section, section.provider(now)) for section in sections()]


def counts(now: dt.datetime) -> dict[str, int]:
    """Open items per section key (the staff header and the dashboard)."""
    return {section.key: len(found) for section, found in items(now)}
