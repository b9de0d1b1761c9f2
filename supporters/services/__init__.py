"""Writes for supporters: profiles, availability, time off, leave, and the slot inventory.

Slots are regenerated from the rules whenever the rules change and once a day for everyone.
Regeneration only ever adds, removes, closes or re-opens *open* and *closed* slots; a held or booked slot
is never touched. A slot a booking lets go of goes through ``slot_free``, which decides on the current
rules at once: open if the supporter still works that hour, closed otherwise.

Callers write ``from supporters import services`` or ``from supporters.services import rule_create``; the
submodules are split by sub-domain: hours (operating hours, the booking window), slots (regeneration,
freeing, the daily roll), availability (rules, time off, leave), profile (profile text and photos),
listing (onboarding → active, credentials lapsed or renewed), ordering (the stored daily fair order).
"""

from ..directory_cache import directory_changed
from .availability import (
    AvailabilityError,
    leave_end,
    leave_start,
    rule_create,
    rule_delete,
    time_off_create,
    time_off_delete,
)
from .conflicts import ConflictError, conflict_block, conflict_hide, conflict_unhide
from .hours import (
    DEFAULT_OPERATING_HOURS,
    OperatingChoices,
    bookable_window,
    describe_operating_hours,
    operating_choices,
    operating_hours,
    ops_zone,
)
from .listing import (
    supporter_activate,
    supporter_credentials_lapse,
    supporter_credentials_restore,
    supporter_open_for_onboarding,
)
from .ordering import fair_order_rewrite
from .profile import PHOTO_FIELDS, ProfileError, profile_update
from .slots import (
    Regeneration,
    next_open_fresh,
    next_open_refresh_stale,
    next_open_update,
    slot_free,
    slot_hold,
    slot_reservation_end,
    slot_reserve,
    slot_take,
    slots_regenerate,
    slots_regenerate_all,
    slots_roll_horizon,
)

__all__ = [
    "DEFAULT_OPERATING_HOURS",
    "PHOTO_FIELDS",
    "AvailabilityError",
    "ConflictError",
    "OperatingChoices",
    "ProfileError",
    "Regeneration",
    "bookable_window",
    "conflict_block",
    "conflict_hide",
    "conflict_unhide",
    "describe_operating_hours",
    "directory_changed",
    "fair_order_rewrite",
    "leave_end",
    "leave_start",
    "operating_choices",
    "operating_hours",
    "ops_zone",
    "profile_update",
    "rule_create",
    "rule_delete",
    "next_open_fresh",
    "next_open_refresh_stale",
    "next_open_update",
    "slot_free",
    "slot_hold",
    "slot_reservation_end",
    "slot_reserve",
    "slot_take",
    "slots_regenerate",
    "slots_regenerate_all",
    "slots_roll_horizon",
    "supporter_activate",
    "supporter_credentials_lapse",
    "supporter_credentials_restore",
    "supporter_open_for_onboarding",
    "time_off_create",
    "time_off_delete",
]
