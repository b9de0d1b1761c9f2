"""Supervision pages: supervisors schedule, record and check compliance; a supporter sees their own log
(dates and durations, never the notes)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from privacy.access import record_read
from privacy.roles import SUPERVISOR
from supporters.decorators import supporter_required

from ..forms_supervision import RecordForm, ScheduleForm
from ..models import SupervisionSession
from ..months import month_of, next_month, pacific_day, pacific_today, parse_month, previous_month
from ..selectors import supervision as selectors
from ..selectors.supervision import REQUIRED_ONE_TO_ONE_MINUTES
from ..services import supervision as services
from .access import role_required


@require_http_methods(["GET", "POST"])
@role_required(SUPERVISOR)
def supervision_list_view(request: HttpRequest) -> HttpResponse:
    """Scheduled and recent sessions, and the form to schedule one."""
    form = ScheduleForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            session = services.supervision_schedule(
                supervisor=request.user,
                kind=form.cleaned_data["kind"],
                supporter_ids=[s.pk for s in form.cleaned_data["supporters"]],
                starts_at=form.cleaned_data["starts_at"],
                minutes=form.cleaned_data["minutes"],
            )
        except services.SupervisionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Session scheduled.")
            return redirect("workforce:supervision_detail", session.pk)
    sessions = selectors.session_list_for_supervisors()
    return render(
        request,
        "workforce/supervision_list.html",
        {"title": "Supervision", "form": form, **sessions},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@role_required(SUPERVISOR)
def supervision_detail_view(request: HttpRequest, session_id: int) -> HttpResponse:
    """One session: its supporters and, for supervisors, its notes. The leading supervisor records it;
    another supervisor's read of the notes is written to the access log."""
    try:
        session = selectors.session_get(session_id=session_id)
    except SupervisionSession.DoesNotExist:
        raise Http404 from None
    theirs = selectors.reads_are_theirs(session=session, user=request.user)
    form = None
    if theirs and session.status != SupervisionSession.Status.CANCELLED:
        initial = {
            "attended": [str(a.supporter_id) for a in session.attendances.all() if a.attended],
            "notes": session.notes,
        }
        form = RecordForm(
            request.POST if request.method == "POST" else None, session=session, initial=initial
        )
        if form.is_valid():
            try:
                services.supervision_record(
                    session_id=session.pk,
                    supervisor=request.user,
                    attended_supporter_ids=[int(pk) for pk in form.cleaned_data["attended"]],
                    notes=form.cleaned_data["notes"],
                )
            except services.SupervisionError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Session recorded.")
                return redirect("workforce:supervision_detail", session.pk)
    elif request.method == "POST":
        raise Http404
    if not theirs and session.notes:
        record_read(request=request, obj=session, record=f"Supervision notes of session {session.pk}")
    return render(
        request,
        "workforce/supervision_detail.html",
        {"title": session.get_kind_display(), "session": session, "form": form, "theirs": theirs},
        status=400 if form is not None and form.errors else 200,
    )


@require_POST
@role_required(SUPERVISOR)
def supervision_cancel_view(request: HttpRequest, session_id: int) -> HttpResponse:
    if not SupervisionSession.objects.filter(pk=session_id, supervisor=request.user).exists():
        raise Http404
    try:
        services.supervision_cancel(session_id=session_id, supervisor=request.user)
    except services.SupervisionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Session cancelled.")
    return redirect("workforce:supervision_detail", session_id)


@require_GET
@role_required(SUPERVISOR)
def supervision_compliance_view(request: HttpRequest) -> HttpResponse:
    """Per supporter, the month's 1:1 minutes and whether the requirement is met (below it first)."""
    this_month = month_of(pacific_today())
    month = parse_month(request.GET.get("month")) or this_month
    rows = selectors.compliance_rows(month=month)
    return render(
        request,
        "workforce/supervision_compliance.html",
        {
            "title": "Supervision compliance",
            "month": month,
            "rows": rows,
            "below": sum(1 for row in rows if not row.met),
            "required": REQUIRED_ONE_TO_ONE_MINUTES,
            "previous": previous_month(month),
            "next": next_month(month) if month < this_month else None,
        },
    )


@require_GET
@supporter_required
def my_supervision_view(request: HttpRequest) -> HttpResponse:
    """The supporter's own supervision log and this month's 1:1 minutes."""
    attendances = list(selectors.attendance_list_for_supporter(supporter=request.supporter)[:200])
    month = month_of(pacific_today())
    this_month = sum(
        a.session.minutes
        for a in attendances
        if a.attended
        and a.session.kind == SupervisionSession.Kind.ONE_TO_ONE
        and a.session.status == SupervisionSession.Status.HELD
        and month_of(pacific_day(a.session.starts_at)) == month
    )
    return render(
        request,
        "workforce/supervision_mine.html",
        {
            "title": "Your supervision",
            "attendances": attendances,
            "this_month_minutes": this_month,
            "required": REQUIRED_ONE_TO_ONE_MINUTES,
            "month": month,
        },
    )
