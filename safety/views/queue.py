"""The supervisor queue: every registered section with its open items, each with its SLA clock, its
assignee and one action. The list refreshes itself every 30 seconds (htmx asks for the fragment)."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from peersnet.kernel.htmx import render_page_or_fragment

from .. import clock, queue
from .guards import supervisor_or_404


@require_GET
def queue_view(request: HttpRequest) -> HttpResponse:
    """Supervisors only (else 404). The page, or for htmx the sections fragment. No record is opened here:
    each item's page logs its own reads."""
    if (response := supervisor_or_404(request)) is not None:
        return response
    now = timezone.now()
    sections = [
        (section, [(item, clock.reading(item.due_at, now)) for item in found])
        for section, found in queue.items(now)
    ]
    response = render_page_or_fragment(
        request,
        "safety/queue.html",
        "queue-sections",
        {
            "title": "Supervisor queue",
            "sections": sections,
            "total": sum(len(rows) for _section, rows in sections),
            "now": now,
        },
    )
    response["Cache-Control"] = "no-store"
    return response
