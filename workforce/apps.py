from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    """Becoming and staying a supporter: applications, hiring stages, training cohorts, onboarding,
    credentials, supervision and monthly pay. At the top of the layers."""

    name = "workforce"
    verbose_name = "Workforce"

    def ready(self) -> None:
        from privacy import registry

        from . import privacy  # imports models: loaded once apps are ready

        registry.register(
            "onboarding_and_credentials", exporter=privacy.export_onboarding, eraser=privacy.erase, order=45
        )

        from . import privacy_training

        registry.register(
            "training", exporter=privacy_training.export, eraser=privacy_training.erase, order=15
        )

        from . import privacy_pay

        registry.register(
            "workforce_pay", exporter=privacy_pay.export_workforce_pay, eraser=privacy_pay.erase, order=45
        )

        from . import privacy_hiring

        registry.register(
            "application_to_become_a_supporter",
            exporter=privacy_hiring.export,
            eraser=privacy_hiring.erase,
            order=60,
        )
