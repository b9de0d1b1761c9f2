"""Kept so older imports keep working; the one factory module is tests/factories.py."""

from tests.factories import (
    LeaveFactory,
    RuleFactory,
    SlotFactory,
    SupporterFactory,
    TagFactory,
    TimeOffFactory,
)

__all__ = ["LeaveFactory", "RuleFactory", "SlotFactory", "SupporterFactory", "TagFactory", "TimeOffFactory"]
