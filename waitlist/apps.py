from django.apps import AppConfig

from bookings.events import BookingRequested
from peersnet.kernel import events
from supporters.events import HorizonRolled, SlotsOpened


class WaitlistConfig(AppConfig):
    name = "waitlist"

    def ready(self) -> None:
        from . import handlers  # handlers import models, which exist only once apps are ready

        events.register(SlotsOpened, handlers.on_slots_opened)
        events.register(HorizonRolled, handlers.on_horizon_rolled)
        events.register(BookingRequested, handlers.on_booking_requested)
        from privacy import registry

        from . import privacy

        registry.register("waitlists", exporter=privacy.export, eraser=privacy.erase, order=20)
