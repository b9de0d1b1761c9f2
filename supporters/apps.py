from django.apps import AppConfig


class SupportersConfig(AppConfig):
    name = "supporters"

    def ready(self) -> None:
        from privacy import registry

        from . import privacy  # imports models: loaded once apps are ready

        registry.register(
            "supporter_profile", exporter=privacy.export_supporter, eraser=privacy.erase, order=50
        )
