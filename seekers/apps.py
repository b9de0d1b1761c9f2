from django.apps import AppConfig


class SeekersConfig(AppConfig):
    name = "seekers"

    def ready(self) -> None:
        # Imported here, not at the top: handlers import models, which exist only once apps are ready.
        from accounts.events import UserSignedUp
        from peersnet.kernel import events

        from .handlers import on_user_signed_up

        events.register(UserSignedUp, on_user_signed_up)
