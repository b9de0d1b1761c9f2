from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from . import registry, services  # services import models: loaded once apps are ready

        registry.register("account", exporter=services.export_account, order=0)
