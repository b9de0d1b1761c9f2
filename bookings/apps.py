from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"

    def ready(self) -> None:
        # Imported here, not at the top: handlers import models, which exist only once apps are ready.
        from payments.events import PaymentFailed, PaymentSucceeded
        from peersnet.kernel import events

        from . import handlers

        events.register(PaymentSucceeded, handlers.on_payment_succeeded)
        events.register(PaymentFailed, handlers.on_payment_failed)
