from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    """Becoming and staying a supporter: applications, hiring stages, training cohorts, onboarding,
    credentials, supervision and monthly pay. At the top of the layers."""

    name = "workforce"
    verbose_name = "Workforce"

    def ready(self) -> None:
        from privacy import registry

        from . import privacy_pay

        registry.register(
            "workforce_pay", exporter=privacy_pay.export_workforce_pay, eraser=privacy_pay.erase, order=45
        )
