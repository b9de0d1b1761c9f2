"""Every write of safety. Callers write ``from safety import services`` whatever the split."""

from .flags import (
    FlagError,
    flag_acknowledge,
    flag_close,
    flag_open_for_intake,
    flag_open_for_message,
    flags_escalate_overdue,
)

__all__ = [
    "FlagError",
    "flag_acknowledge",
    "flag_close",
    "flag_open_for_intake",
    "flag_open_for_message",
    "flags_escalate_overdue",
]
