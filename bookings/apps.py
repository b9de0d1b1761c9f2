from django.apps import AppConfig

from payments.events import PaymentFailed, PaymentRefunded, PaymentSucceeded
from peersnet.kernel import events


class BookingsConfig(AppConfig):
    name = "bookings"

    def ready(self) -> None:
        from . import handlers  # handlers import models, which exist only once apps are ready

        events.register(PaymentSucceeded, handlers.on_payment_succeeded)
        events.register(PaymentFailed, handlers.on_payment_failed)
        events.register(PaymentRefunded, handlers.on_payment_refunded)
