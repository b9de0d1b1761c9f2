from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"

    def ready(self) -> None:
        from privacy import registry

        from . import (
            checks,  # noqa: F401  (registers the deploy checks)
            privacy,  # imports models: loaded once apps are ready
        )

        registry.register("payments", exporter=privacy.export_payments, eraser=privacy.erase, order=40)
