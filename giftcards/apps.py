from django.apps import AppConfig


class GiftcardsConfig(AppConfig):
    name = "giftcards"
    verbose_name = "Gift sessions"

    def ready(self) -> None:
        # Imported here, not at the top: services import models, which exist only once apps are ready.
        from payments.events import PaymentSucceeded
        from peersnet.kernel import events

        from .services import on_payment_succeeded

        events.register(PaymentSucceeded, on_payment_succeeded)
