from django.apps import AppConfig


class SafetyConfig(AppConfig):
    """Crisis flags, safety plans, mandatory reports, backup for supporters and the supervisor queue.

    safety sits above messaging and bookings: it learns of new messages and intake answers through
    domain events, and nothing below imports it."""

    name = "safety"
    verbose_name = "Safety"
