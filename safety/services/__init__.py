"""Every write of the safety app. Callers write ``from safety import services`` whatever the split."""

from .backup import (
    BackupError,
    backup_acknowledge,
    backup_request_create,
    backup_window_open,
    supervisors_to_page,
)
from .flags import (
    FlagError,
    flag_acknowledge,
    flag_close,
    flag_open_for_intake,
    flag_open_for_message,
    flags_escalate_overdue,
)
from .plans import PlanConflict, PlanError, PlanUnchanged, plan_save, plans_erase_for_user
from .reports import (
    ReportError,
    report_acknowledge,
    report_addendum_add,
    report_confirm_not_reported,
    report_file,
    report_record_not_reported,
    report_record_reported,
    reports_escalate_overdue,
    supervisors,
)

__all__ = [
    "PlanConflict",
    "PlanError",
    "PlanUnchanged",
    "plan_save",
    "plans_erase_for_user",
    "BackupError",
    "ReportError",
    "backup_acknowledge",
    "backup_request_create",
    "backup_window_open",
    "report_acknowledge",
    "report_addendum_add",
    "report_confirm_not_reported",
    "report_file",
    "report_record_not_reported",
    "report_record_reported",
    "reports_escalate_overdue",
    "supervisors",
    "supervisors_to_page",
    "FlagError",
    "flag_acknowledge",
    "flag_close",
    "flag_open_for_intake",
    "flag_open_for_message",
    "flags_escalate_overdue",
]
