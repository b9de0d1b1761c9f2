"""safety's models, one module per part of the work (flags, plans, reports, backup); every model is
imported here so Django finds it."""

from .backup import BackupRequest, DutyShift
from .flags import CrisisFlag
from .plans import SafetyPlan, SafetyPlanVersion
from .reports import (
    AppendOnlyError,
    ConcernType,
    MandatoryReport,
    ReportAddendum,
    ReportEscalation,
    ReportReview,
)

__all__ = [
    "AppendOnlyError",
    "BackupRequest",
    "ConcernType",
    "CrisisFlag",
    "DutyShift",
    "MandatoryReport",
    "ReportAddendum",
    "ReportEscalation",
    "ReportReview",
    "SafetyPlan",
    "SafetyPlanVersion",
]
