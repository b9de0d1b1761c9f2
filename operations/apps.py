from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """The staff operations dashboard: the whole service at a glance. It reads every app below it and
    is imported by none."""

    name = "operations"
    verbose_name = "Operations"
