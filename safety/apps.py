from django.apps import AppConfig


class SafetyConfig(AppConfig):
    """Crisis flags, safety plans, mandatory reports, backup for supporters and the supervisor queue.

    safety sits above messaging and bookings: it learns of new messages and intake answers through
    domain events, and nothing below imports it."""

    name = "safety"
    verbose_name = "Safety"

    def ready(self) -> None:
        self._ready_plans()

    def _ready_plans(self) -> None:
        """Safety plans: export and erase with the seeker's account; "My safety plan" pinned on the
        seeker's portal and linked from the session page (bookings.links, an upward hook)."""
        from bookings import links
        from privacy import registry

        from . import plan_links, privacy  # they import models: only once apps are ready

        registry.register("safety_plans", exporter=privacy.export_plans, eraser=privacy.erase, order=25)
        links.register_portal_link(plan_links.KEY, plan_links.portal_link)
        links.register_session_link(plan_links.KEY, plan_links.session_link)
