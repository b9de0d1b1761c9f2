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

        from privacy import registry

        from . import privacy  # imports services and models: loaded once apps are ready

        registry.register(
            "bookings",
            exporter=privacy.export_seeker_bookings,
            eraser=privacy.erase,
            consequences=privacy.consequences,
            order=10,
        )
        registry.register("supporter_sessions", exporter=privacy.export_supporter_sessions, order=10)
