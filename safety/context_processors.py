from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from privacy.roles import is_supervisor

from . import selectors


def queue_open(request: HttpRequest) -> dict:
    """``SAFETY_QUEUE_OPEN``: how many items wait in the supervisor queue, for the staff header. Lazy (a
    page that doesn't show it costs nothing) and 0 without a query for anyone but a supervisor; for a
    supervisor, read from the cache (selectors.queue_open_total), else each section's provider once (a
    few queries, whatever the number of items)."""

    def total() -> int:
        user = getattr(request, "user", None)
        if user is None or not is_supervisor(user):
            return 0
        return selectors.queue_open_total(timezone.now())

    return {"SAFETY_QUEUE_OPEN": SimpleLazyObject(total)}
