"""workforce's models, one module per part of the work; every model is imported here so Django finds it."""

from .hiring import Application, ApplicationEvent
from .pay import PaidActivity, PayAdjustment, PayRate, PayStatement, PayStatementLine
from .supervision import SupervisionAttendance, SupervisionSession

__all__ = [
    "Application",
    "ApplicationEvent",
    "PaidActivity",
    "PayAdjustment",
    "PayRate",
    "PayStatement",
    "PayStatementLine",
    "SupervisionAttendance",
    "SupervisionSession",
]
