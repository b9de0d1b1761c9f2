from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    """Becoming and staying a supporter: applications, hiring stages, training cohorts, onboarding,
    credentials, supervision and monthly pay. At the top of the layers."""

    name = "workforce"
    verbose_name = "Workforce"
