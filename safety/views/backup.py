"""Immediate backup: the supporter's "Get backup now" and its waiting page; the supervisor's page to
acknowledge it (each open access-logged: it may carry the supporter's note)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from peersnet.kernel.htmx import redirect_page, render_page_or_fragment
from privacy.access import record_read
from supporters.decorators import supporter_required

from .. import backup_selectors as selectors
from .. import services
from ..report_forms import BackupForm
from .access import supervisor_gate

POLL_SECONDS = 10  # how often the waiting page asks whether a supervisor has acknowledged


@require_POST
@supporter_required
def backup_request_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    form = BackupForm(request.POST)
    # Paging matters more than the note: a note too long to keep is left out and the supporter told.
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        backup = services.backup_request_create(booking_id=booking_id, supporter=request.supporter, note=note)
    except services.BackupError as exc:
        if exc.code == "not_found":
            raise Http404 from None
        messages.error(request, exc.message)
        return redirect_page(request, "bookings:detail", booking_id)
    if not form.is_valid():
        messages.warning(
            request, "Your note was too long to send, so it was left out. A supervisor has been paged."
        )
    return redirect_page(request, "safety:backup_status", backup.pk)


@require_GET
@supporter_required
def backup_status_view(request: HttpRequest, request_id: int) -> HttpResponse:
    """The supporter's waiting page; htmx asks for its status fragment every POLL_SECONDS until a
    supervisor has acknowledged (the acknowledged fragment has no trigger, so the polling stops)."""
    backup = selectors.backup_request_for_supporter(request_id=request_id, user=request.user)
    if backup is None:
        raise Http404
    return render_page_or_fragment(
        request,
        "safety/backup_status.html",
        "status",
        {
            "title": "Backup is on its way",
            "backup": backup,
            "poll_seconds": POLL_SECONDS,
            "crisis_partner_hours": settings.SAFETY_CRISIS_PARTNER_HOURS,
        },
    )


@require_GET
def backup_detail_view(request: HttpRequest, request_id: int) -> HttpResponse:
    if (response := supervisor_gate(request)) is not None:
        return response
    backup = selectors.backup_request_for_supervisor(request_id=request_id)
    if backup is None:
        raise Http404
    record_read(request=request, obj=backup, record=f"Backup request {backup.pk}")
    return render(
        request,
        "safety/backup_detail.html",
        {"title": f"Backup request {backup.pk}", "backup": backup, "now": timezone.now()},
    )


@require_POST
def backup_acknowledge_view(request: HttpRequest, request_id: int) -> HttpResponse:
    if (response := supervisor_gate(request)) is not None:
        return response
    if selectors.backup_request_for_supervisor(request_id=request_id) is None:
        raise Http404
    try:
        services.backup_acknowledge(request_id=request_id, supervisor=request.user)
    except services.BackupError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Acknowledged. The supporter's page now shows that you are on it.")
    return redirect_page(request, "safety:backup_detail", request_id)
