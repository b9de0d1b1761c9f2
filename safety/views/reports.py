"""Mandatory reports on the site: a supporter files and reads their own and adds addenda; supervisors read
any (each read access-logged) and record acknowledgement and outcome. Anyone else gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings.models import Booking
from peersnet.kernel.htmx import redirect_page
from privacy.access import record_read
from supporters.decorators import supporter_required

from .. import report_selectors as selectors
from .. import services
from ..guidance import guidance
from ..report_forms import AddendumForm, NotReportedForm, ReportedForm, ReportForm
from .access import reader_gate, supervisor_gate

REPORTABLE_BOOKINGS = 200  # the newest sessions offered in the form's list


def _bookings_of(supporter):
    return list(
        Booking.objects.filter(supporter=supporter)
        .exclude(status__in=[Booking.Status.DECLINED, Booking.Status.EXPIRED, Booking.Status.WITHDRAWN])
        .select_related("seeker__user")
        .order_by("-start")[:REPORTABLE_BOOKINGS]
    )


@require_GET
@supporter_required
def report_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "safety/report_list.html",
        {
            "title": "Your mandatory reports",
            "reports": selectors.report_list_for_supporter(user=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@supporter_required
def report_new_view(request: HttpRequest) -> HttpResponse:
    bookings = _bookings_of(request.supporter)
    initial = {}
    if (wanted := request.GET.get("booking", "")).isdigit():
        initial["booking"] = int(wanted)
    form = ReportForm(request.POST if request.method == "POST" else None, bookings=bookings, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            report = services.report_file(
                supporter=request.supporter,
                booking_id=data["booking"],
                concern_type=data["concern_type"],
                disclosed=data["disclosed"],
                steps_taken=data["steps_taken"],
            )
        except services.ReportError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your report is filed. Every supervisor has been told it needs review.")
            return redirect_page(request, "safety:report_detail", report.pk)
    return render(
        request,
        "safety/report_new.html",
        {"title": "File a mandatory report", "form": form, "has_bookings": bool(bookings), **guidance()},
    )


def _detail(request: HttpRequest, report_id: int, kind: str, forms: dict | None = None, status: int = 200):
    report = selectors.report_get_for_viewer(
        report_id=report_id, user=request.user, supervisor=kind == "supervisor"
    )
    if report is None:
        raise Http404
    if kind == "supervisor":
        record_read(request=request, obj=report, record=f"Mandatory report {report.pk}")
    forms = forms or {}
    reviews = report.review_rows
    context = {
        "title": f"Mandatory report {report.pk}",
        "report": report,
        "reviews": reviews,
        "is_supervisor": kind == "supervisor",
        "is_filer": report.supporter.user_id == request.user.pk,
        "addendum_form": forms.get("addendum") or AddendumForm(),
        "reported_form": forms.get("reported") or ReportedForm(),
        "not_reported_form": forms.get("not_reported") or NotReportedForm(),
        "review_error": forms.get("error", ""),
        "acknowledged": reviews.get("acknowledged"),
        "outcome": reviews.get("reported") or reviews.get("not_reported"),
        "confirmation": reviews.get("confirmed"),
    }
    return render(request, "safety/report_detail.html", context, status=status)


@require_GET
def report_detail_view(request: HttpRequest, report_id: int) -> HttpResponse:
    kind, response = reader_gate(request)
    if response is not None:
        return response
    return _detail(request, report_id, kind)


@require_POST
@supporter_required
def report_addendum_view(request: HttpRequest, report_id: int) -> HttpResponse:
    if selectors.report_get_for_viewer(report_id=report_id, user=request.user, supervisor=False) is None:
        raise Http404
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.report_addendum_add(
                report_id=report_id, user=request.user, text=form.cleaned_data["text"]
            )
        except services.ReportError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your addendum is added to the report.")
            return redirect_page(request, "safety:report_detail", report_id)
    return _detail(request, report_id, "supporter", {"addendum": form})


@require_POST
def report_review_view(request: HttpRequest, report_id: int) -> HttpResponse:
    """One supervisor step, named by the button: acknowledge, reported, not_reported or confirm."""
    if (response := supervisor_gate(request)) is not None:
        return response
    if selectors.report_get_for_viewer(report_id=report_id, user=request.user, supervisor=True) is None:
        raise Http404
    step = request.POST.get("step", "")
    forms: dict = {}
    try:
        if step == "acknowledge":
            services.report_acknowledge(report_id=report_id, supervisor=request.user)
            done = "You have acknowledged the report. Record the outcome when it is decided."
        elif step == "reported":
            form = forms["reported"] = ReportedForm(request.POST)
            if not form.is_valid():
                return _detail(request, report_id, "supervisor", forms)
            services.report_record_reported(report_id=report_id, supervisor=request.user, **form.cleaned_data)
            done = "The agency's reference is recorded and the report is closed."
        elif step == "not_reported":
            form = forms["not_reported"] = NotReportedForm(request.POST)
            if not form.is_valid():
                return _detail(request, report_id, "supervisor", forms)
            services.report_record_not_reported(
                report_id=report_id, supervisor=request.user, reason=form.cleaned_data["reason"]
            )
            done = "Recorded. A second supervisor needs to confirm it before the report is closed."
        elif step == "confirm":
            services.report_confirm_not_reported(report_id=report_id, supervisor=request.user)
            done = "Confirmed. The report is closed."
        else:
            raise Http404
    except services.ReportError as exc:
        forms["error"] = exc.message
        return _detail(request, report_id, "supervisor", forms)
    messages.success(request, done)
    return redirect_page(request, "safety:report_detail", report_id)
