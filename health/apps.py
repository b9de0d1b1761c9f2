from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = "System health"

    def ready(self) -> None:
        # Plumbing, not a domain rule: beat records its heartbeat as it sends one (see health/signals.py).
        from . import signals  # noqa: F401
