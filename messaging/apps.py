from django.apps import AppConfig

from bookings.events import BookingConfirmed, BookingRequested, SessionCompleted
from peersnet.kernel import events


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        from . import handlers  # handlers import models, which exist only once apps are ready

        events.register(BookingRequested, handlers.on_booking_changed)
        events.register(BookingConfirmed, handlers.on_booking_changed)
        events.register(SessionCompleted, handlers.on_booking_changed)
        from privacy import registry

        from . import privacy

        registry.register("messages", exporter=privacy.export_for_user, eraser=privacy.erase, order=20)
