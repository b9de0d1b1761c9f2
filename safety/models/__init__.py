from .backup import BackupRequest, DutyShift
from .reports import AppendOnlyError, ConcernType, MandatoryReport, ReportAddendum, ReportReview

__all__ = [
    "AppendOnlyError",
    "BackupRequest",
    "ConcernType",
    "DutyShift",
    "MandatoryReport",
    "ReportAddendum",
    "ReportReview",
]
