"""safety's writes, one module per part of the work; the public functions are re-exported here."""

from .plans import PlanConflict, PlanError, PlanUnchanged, plan_save, plans_erase_for_user

__all__ = ["PlanConflict", "PlanError", "PlanUnchanged", "plan_save", "plans_erase_for_user"]
