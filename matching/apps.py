from django.apps import AppConfig

from accounts.events import UserSignedUp
from peersnet.kernel import events


class MatchingConfig(AppConfig):
    name = "matching"

    def ready(self) -> None:
        from .handlers import on_user_signed_up  # handlers import models: loaded once apps are ready

        # Registered after seekers' handler (INSTALLED_APPS order): the seeker profile exists by then.
        events.register(UserSignedUp, on_user_signed_up)
        from privacy import registry

        from . import privacy

        registry.register("matching", exporter=privacy.export, eraser=privacy.erase, order=20)
