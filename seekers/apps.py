from django.apps import AppConfig

from accounts.events import UserSignedUp
from peersnet.kernel import events


class SeekersConfig(AppConfig):
    name = "seekers"

    def ready(self) -> None:
        from .handlers import on_user_signed_up  # handlers import models: loaded once apps are ready

        events.register(UserSignedUp, on_user_signed_up)

        from privacy import registry

        from . import privacy  # imports models: loaded once apps are ready

        registry.register("seeker", exporter=privacy.export_seeker, eraser=privacy.erase, order=50)
