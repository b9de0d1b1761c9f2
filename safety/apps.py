from django.apps import AppConfig


class SafetyConfig(AppConfig):
    """Crisis flags, safety plans, mandatory reports, backup for supporters and the supervisor queue.

    safety sits above messaging and bookings: it learns of new messages and intake answers through
    domain events, and nothing below imports it."""

    name = "safety"
    verbose_name = "Safety"

    def ready(self) -> None:
        from messaging.events import MessageSent
        from peersnet.kernel import events
        from privacy import registry
        from seekers.events import IntakeSaved

        from . import handlers, queue, selectors  # these import models: only once apps are ready
        from . import privacy_flags as flag_privacy

        events.register(MessageSent, handlers.on_message_sent)
        events.register(IntakeSaved, handlers.on_intake_saved)
        queue.register_section("crisis_flag", "Crisis flags", selectors.crisis_flag_items, order=10)
        queue.register_section(
            "overdue_reply", "Overdue message replies", selectors.overdue_reply_items, order=40
        )
        queue.register_section(
            "reported_message", "Reported messages", selectors.reported_message_items, order=50
        )
        registry.register(
            "crisis_flags", exporter=flag_privacy.export_for_user, eraser=flag_privacy.erase, order=25
        )

        from bookings import panels as booking_panels
        from messaging import thread_panels

        from . import backup_selectors, privacy, report_selectors
        from .panels import conversation_panel, session_panel
        from .queue import register_section

        register_section(
            "mandatory_report", "Mandatory reports awaiting review", report_selectors.queue_items, 20
        )
        register_section("backup_request", "Backup requests", backup_selectors.queue_items, 10)
        booking_panels.register_session_panel("safety", session_panel, order=50)
        thread_panels.register_thread_panel("safety", conversation_panel, order=50)
        registry.register(
            "safety",
            exporter=privacy.export_supporter,
            eraser=privacy.erase,
            consequences=privacy.consequences,
            order=60,
        )
