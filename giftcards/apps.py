from django.apps import AppConfig

from payments.events import PaymentSucceeded
from peersnet.kernel import events


class GiftcardsConfig(AppConfig):
    name = "giftcards"
    verbose_name = "Gift sessions"

    def ready(self) -> None:
        from .services import on_payment_succeeded  # services import models: loaded once apps are ready

        events.register(PaymentSucceeded, on_payment_succeeded)
