"""safety's models, one module per part of the work (flags, plans, reports, backup); every model is
imported here so Django finds it."""

from .plans import SafetyPlan, SafetyPlanVersion

__all__ = ["SafetyPlan", "SafetyPlanVersion"]
