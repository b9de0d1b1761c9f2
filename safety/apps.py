from django.apps import AppConfig


class SafetyConfig(AppConfig):
    """Crisis flags, safety plans, mandatory reports, backup for supporters and the supervisor queue.

    safety sits above messaging and bookings: it learns of new messages and intake answers through
    domain events, and nothing below imports it."""

    name = "safety"
    verbose_name = "Safety"

    def ready(self) -> None:
        from bookings import panels as booking_panels
        from messaging import thread_panels
        from privacy import registry

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
