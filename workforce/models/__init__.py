"""workforce's models, one module per part of the work; every model is imported here so Django finds it."""

from .hiring import Application, ApplicationEvent
from .training import Attendance, Certificate, Cohort, CourseworkHours, Enrolment, LiveSession, PracticeLog

__all__ = [
    "Application",
    "ApplicationEvent",
    "Attendance",
    "Certificate",
    "Cohort",
    "CourseworkHours",
    "Enrolment",
    "LiveSession",
    "PracticeLog",
]
