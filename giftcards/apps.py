from django.apps import AppConfig

from payments.events import PaymentSucceeded
from peersnet.kernel import events


class GiftcardsConfig(AppConfig):
    name = "giftcards"
    verbose_name = "Gift sessions"

    def ready(self) -> None:
        from .services import on_payment_succeeded  # services import models: loaded once apps are ready

        events.register(PaymentSucceeded, on_payment_succeeded)

        from privacy import registry

        from . import privacy  # imports models: loaded once apps are ready

        registry.register(
            "gifts_received", exporter=privacy.export_gifts_received, eraser=privacy.erase, order=30
        )
