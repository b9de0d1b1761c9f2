from .directory import directory_view, next_available_view, profile_view
from .manage import (
    manage_availability_view,
    manage_leave_end_view,
    manage_leave_view,
    manage_profile_preview_view,
    manage_profile_view,
    manage_rule_delete_view,
    manage_time_off_delete_view,
    manage_time_off_view,
)

__all__ = [
    "directory_view",
    "next_available_view",
    "profile_view",
    "manage_availability_view",
    "manage_leave_end_view",
    "manage_leave_view",
    "manage_profile_preview_view",
    "manage_profile_view",
    "manage_rule_delete_view",
    "manage_time_off_delete_view",
    "manage_time_off_view",
]
