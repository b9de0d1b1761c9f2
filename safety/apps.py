from django.apps import AppConfig


class SafetyConfig(AppConfig):
    """Crisis flags, safety plans, mandatory reports, backup for supporters and the supervisor queue.

    safety sits above messaging and bookings: it learns of new messages and intake answers through
    domain events, and nothing below imports it."""

    name = "safety"
    verbose_name = "Safety"

    def ready(self) -> None:
        self._ready_plans()
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

    def _ready_plans(self) -> None:
        """Safety plans: export and erase with the seeker's account; "My safety plan" pinned on the
        seeker's portal and linked from the session page (bookings.links, an upward hook)."""
        from bookings import links
        from privacy import registry

        from . import plan_links, privacy_plans  # they import models: only once apps are ready

        registry.register(
            "safety_plans", exporter=privacy_plans.export_plans, eraser=privacy_plans.erase, order=25
        )
        links.register_portal_link(plan_links.KEY, plan_links.portal_link)
        links.register_session_link(plan_links.KEY, plan_links.session_link)
