"""What supporters announces (peersnet.kernel.events), in the transaction that changes the slots, with the
supporter row locked. The apps above (the waitlist) register handlers."""

import datetime as dt
from dataclasses import dataclass

from peersnet.kernel.events import Event


@dataclass(frozen=True)
class SlotsOpened(Event):
    """Slots of one supporter turned open: a booking let go of one (cancelled, declined, expired,
    withdrawn, released, moved away), a waitlist hold on one ended, or a regeneration created or re-opened
    them (a new weekly window, time off or leave ended, the horizon rolling forward a day).

    ``starts`` are the slots' start instants (a slot is unique per supporter and start). Announced with
    the supporter row locked, and the slots themselves when one was freed; a handler may take them
    (``supporters.services.slot_reserve``) before anyone else can see them open."""

    supporter_id: int
    starts: tuple[dt.datetime, ...]


@dataclass(frozen=True)
class HorizonRolled(Event):
    """The daily roll added slots for a batch of supporters (one transaction, their rows locked):
    ``openings`` are the new slots as (supporter id, start) pairs. One event per batch rather than a
    SlotsOpened per supporter, so a handler finds who cares in one query and the roll stays set-based."""

    openings: tuple[tuple[int, dt.datetime], ...]
