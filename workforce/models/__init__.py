"""workforce's models, one module per part of the work; every model is imported here so Django finds it."""

from .credentials import Credential, ListingEvent
from .hiring import Application, ApplicationEvent, BackgroundCheckConsent
from .onboarding import EthicsAcknowledgement, Onboarding
from .pay import PaidActivity, PayAdjustment, PayRate, PayStatement, PayStatementLine
from .supervision import SupervisionAttendance, SupervisionSession
from .training import Attendance, Certificate, Cohort, CourseworkHours, Enrolment, LiveSession, PracticeLog

__all__ = [
    "Application",
    "ApplicationEvent",
    "BackgroundCheckConsent",
    "Credential",
    "EthicsAcknowledgement",
    "ListingEvent",
    "Onboarding",
    "Attendance",
    "Certificate",
    "Cohort",
    "CourseworkHours",
    "Enrolment",
    "LiveSession",
    "PracticeLog",
    "PaidActivity",
    "PayAdjustment",
    "PayRate",
    "PayStatement",
    "PayStatementLine",
    "SupervisionAttendance",
    "SupervisionSession",
]
