"""Training pages.

- Public: the Become a supporter page (with the coming year's cohorts from the cohorts table) and the
  certificate verification page (rate-limited; shows only name, cohort and date).
- The trainee's own training page, practice log forms and certificate PDF (only their own: the page
  reads ``request.user``, a log or certificate of someone else is a 404).
- Staff pages under /staff/training/: trainers (cohorts, enrolment, attendance, coursework hours,
  completion) and supervisors (practice reviews). Each checks the permission the role holds in
  ``privacy.roles`` and two-factor authentication; anyone else gets a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.admin_site import staff_has_mfa
from peersnet.kernel.http_cache import public_page
from peersnet.kernel.pdf import PdfSection, document
from peersnet.kernel.ratelimit import RateLimit
from privacy.access import record_read

from ..forms.training import (
    AttendanceForm,
    CompleteForm,
    CourseworkForm,
    EnrolForm,
    PracticeForm,
    ReviewForm,
    VerifyForm,
)
from ..models import Certificate, Cohort, Enrolment, LiveSession, PracticeLog
from ..selectors import training as selectors
from ..services import training as services

VERIFY_LIMIT = RateLimit("workforce:verify", limit=20, period=60 * 60)


def staff_permission_required(permission: str) -> Callable:
    """Active staff with two-factor set up and ``permission`` (given to a role in privacy.roles); anyone
    else gets a 404, so the page's existence is not confirmed."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not (staff_has_mfa(request.user) and request.user.has_perm(permission)):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# --- public -------------------------------------------------------------------------------------------


@require_GET
@public_page
def become_a_supporter_view(request: HttpRequest) -> HttpResponse:
    """The Become a supporter page (url name ``pages:become_a_supporter``) with the coming cohorts."""
    cohorts = list(selectors.cohort_list_schedule(today=timezone.localdate()))
    return render(
        request, "pages/become_a_supporter.html", {"title": "Become a peer supporter", "cohorts": cohorts}
    )


@require_GET
def verify_view(request: HttpRequest, code: str = "") -> HttpResponse:
    """Check a certificate's code: name, cohort and date for a valid one, "not found" for anything else.
    At most ``VERIFY_LIMIT`` checks an hour from one address."""
    code = (code or request.GET.get("code", "")).strip()[:40]
    context: dict = {"title": "Check a certificate", "form": VerifyForm(initial={"code": code}), "code": code}
    status = 200
    if code:
        ip = get_adapter().get_client_ip(request) or "unknown"
        if VERIFY_LIMIT.hit(ip):
            context["limited"] = True
            status = 429
        else:
            context["checked"] = True
            context["certificate"] = services.certificate_find(code=code)
    response = render(request, "workforce/training_verify.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


# --- the trainee --------------------------------------------------------------------------------------


@login_required
@require_GET
def training_view(request: HttpRequest) -> HttpResponse:
    """The trainee's progress: hours, live sessions, practice logs and their reviews, what is left."""
    enrolment = selectors.enrolment_current_for_user(user=request.user)
    context: dict = {"title": "Your training", "enrolment": enrolment}
    if enrolment:
        context.update(
            progress=selectors.enrolment_progress(enrolment=enrolment),
            sessions=enrolment.cohort.sessions.all(),
            attended=set(enrolment.attendance.filter(present=True).values_list("session_id", flat=True)),
            logs=enrolment.practice_logs.select_related("experienced_supporter"),
            certificate=Certificate.objects.filter(enrolment=enrolment).first(),
        )
    return render(request, "workforce/training_progress.html", context)


def _own_active_enrolment(request: HttpRequest) -> Enrolment:
    enrolment = selectors.enrolment_current_for_user(user=request.user)
    if enrolment is None or enrolment.status != Enrolment.Status.ACTIVE:
        raise Http404
    return enrolment


@login_required
@require_http_methods(["GET", "POST"])
def practice_new_view(request: HttpRequest) -> HttpResponse:
    """The trainee logs practice time with an experienced supporter."""
    enrolment = _own_active_enrolment(request)
    form = PracticeForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_log_submit(enrolment_id=enrolment.pk, user=request.user, **form.cleaned_data)
        except services.TrainingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Practice logged. A supervisor will review it.")
            return redirect("workforce:training")
    return render(
        request,
        "workforce/training_practice_form.html",
        {"title": "Log practice hours", "form": form, "log": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_edit_view(request: HttpRequest, log_id: int) -> HttpResponse:
    """The trainee corrects a returned practice log and sends it again."""
    log = get_object_or_404(
        PracticeLog.objects.select_related("experienced_supporter"),
        pk=log_id,
        enrolment__application__user=request.user,
        status=PracticeLog.Status.RETURNED,
    )
    initial = {
        "date": log.date,
        "minutes": log.minutes,
        "experienced_supporter": log.experienced_supporter_id,
        "reflection": log.reflection,
    }
    form = PracticeForm(
        request.POST if request.method == "POST" else None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_log_resubmit(log_id=log.pk, user=request.user, **form.cleaned_data)
        except services.TrainingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Sent again. A supervisor will review it.")
            return redirect("workforce:training")
    return render(
        request,
        "workforce/training_practice_form.html",
        {"title": "Correct a practice log", "form": form, "log": log},
    )


def certificate_pdf(certificate: Certificate) -> bytes:
    cohort = certificate.enrolment.cohort
    return document(
        title="Certificate of completion",
        subtitle="peersnet peer supporter training",
        sections=[
            PdfSection("This certifies that", [certificate.name]),
            PdfSection(
                "has completed",
                [
                    f"The {cohort.name} peer supporter training: "
                    f"{cohort.total_hours_required} hours of training with live sessions, and "
                    f"{cohort.practice_hours_required} hours of supervised practice "
                    "with an experienced supporter.",
                ],
            ),
            PdfSection("Issued", [formats.date_format(timezone.localtime(certificate.issued_at), "j F Y")]),
            PdfSection("Verification code", [certificate.code]),
        ],
        footer="Check this certificate at "
        + _absolute(reverse("workforce:verify_code", args=[certificate.code]))
        + ". The page shows the name, the cohort and the date of issue.",
    )


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


@login_required
@require_GET
def certificate_download_view(request: HttpRequest) -> HttpResponse:
    """The trainee's own certificate as a PDF; 404 when they have none."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("enrolment__cohort"), enrolment__application__user=request.user
    )
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="peersnet-certificate.pdf"'
    return response


# --- staff: trainers ----------------------------------------------------------------------------------


@staff_permission_required("workforce.view_cohort")
@require_GET
def staff_cohorts_view(request: HttpRequest) -> HttpResponse:
    """Every cohort with its places taken."""
    return render(
        request,
        "workforce/training_staff_cohorts.html",
        {
            "title": "Training cohorts",
            "cohorts": selectors.cohort_list_for_staff(),
            "can_review": request.user.has_perm("workforce.change_practicelog"),
        },
    )


@staff_permission_required("workforce.view_enrolment")
@require_http_methods(["GET", "POST"])
def staff_cohort_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """A cohort's roster with each trainee's totals, its live sessions, and the enrolment form."""
    cohort = get_object_or_404(Cohort, pk=cohort_id)
    can_enrol = request.user.has_perm("workforce.add_enrolment")
    form = EnrolForm(
        request.POST if request.method == "POST" else None,
        applications=selectors.applications_ready_to_enrol(),
    )
    if request.method == "POST":
        if not can_enrol:
            raise Http404
        if form.is_valid():
            try:
                enrolment = services.enrolment_create(
                    cohort_id=cohort.pk, application_id=form.cleaned_data["application"].pk, by=request.user
                )
            except services.TrainingError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, f"{enrolment.application.user.get_full_name()} is enrolled in {cohort.name}."
                )
                return redirect("workforce:staff_cohort", cohort.pk)
    return render(
        request,
        "workforce/training_staff_cohort.html",
        {
            "title": f"Cohort {cohort.name}",
            "cohort": cohort,
            "roster": selectors.enrolment_list_with_totals(cohort=cohort),
            "sessions": cohort.sessions.all(),
            "now": timezone.now(),
            "form": form,
            "can_enrol": can_enrol,
        },
    )


@staff_permission_required("workforce.add_attendance")
@require_http_methods(["GET", "POST"])
def staff_attendance_view(request: HttpRequest, session_id: int) -> HttpResponse:
    """The register for one live session: tick who was there, save once for everyone."""
    session = get_object_or_404(LiveSession.objects.select_related("cohort"), pk=session_id)
    enrolments = list(
        session.cohort.enrolments.filter(status=Enrolment.Status.ACTIVE)
        .select_related("application__user")
        .order_by("application__user__first_name", "pk")
    )
    marked = set(session.attendance.filter(present=True).values_list("enrolment_id", flat=True))
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        enrolments=enrolments,
        initial={"present": [str(pk) for pk in marked]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = services.attendance_record(
                session_id=session.pk,
                present_enrolment_ids={int(pk) for pk in form.cleaned_data["present"]},
                by=request.user,
            )
        except services.TrainingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Attendance saved: {count} of {len(enrolments)} present.")
            return redirect("workforce:staff_cohort", session.cohort_id)
    return render(
        request,
        "workforce/training_staff_attendance.html",
        {"title": "Record attendance", "session": session, "form": form, "enrolments": enrolments},
    )


@staff_permission_required("workforce.view_enrolment")
@require_http_methods(["GET", "POST"])
def staff_trainee_view(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """One trainee for a trainer: totals, coursework hours (add more), practice statuses (no reflections:
    those are for supervisors), and completion when every requirement is met."""
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("cohort", "application__user"), pk=enrolment_id
    )
    user = enrolment.application.user
    hours_form = CourseworkForm(request.POST if request.POST.get("form") == "hours" else None, prefix="hours")
    complete_form = CompleteForm(
        request.POST if request.POST.get("form") == "complete" else None,
        prefix="complete",
        initial={"name": user.get_full_name()},
    )
    if request.method == "POST":
        if request.POST.get("form") == "hours" and request.user.has_perm("workforce.add_courseworkhours"):
            if hours_form.is_valid():
                try:
                    services.coursework_add(
                        enrolment_id=enrolment.pk,
                        minutes=hours_form.minutes,
                        note=hours_form.cleaned_data["note"],
                        by=request.user,
                    )
                except services.TrainingError as exc:
                    hours_form.add_error(None, exc.message)
                else:
                    messages.success(request, "Hours added.")
                    return redirect("workforce:staff_trainee", enrolment.pk)
        elif request.POST.get("form") == "complete" and request.user.has_perm("workforce.add_certificate"):
            if complete_form.is_valid():
                try:
                    services.enrolment_complete(
                        enrolment_id=enrolment.pk, by=request.user, name=complete_form.cleaned_data["name"]
                    )
                except services.TrainingError as exc:
                    complete_form.add_error(None, exc.message)
                else:
                    messages.success(request, "Training completed. The certificate is issued.")
                    return redirect("workforce:staff_trainee", enrolment.pk)
        else:
            raise Http404
    return render(
        request,
        "workforce/training_staff_trainee.html",
        {
            "title": f"Trainee: {user.get_full_name()}",
            "enrolment": enrolment,
            "trainee": user,
            "progress": selectors.enrolment_progress(enrolment=enrolment),
            "coursework": enrolment.coursework.all(),
            "logs": enrolment.practice_logs.select_related("experienced_supporter"),
            "certificate": Certificate.objects.filter(enrolment=enrolment).first(),
            "hours_form": hours_form,
            "complete_form": complete_form,
            "can_add_hours": request.user.has_perm("workforce.add_courseworkhours"),
            "can_complete": request.user.has_perm("workforce.add_certificate"),
        },
    )


# --- staff: supervisors -------------------------------------------------------------------------------


@staff_permission_required("workforce.change_practicelog")
@require_GET
def staff_practice_queue_view(request: HttpRequest) -> HttpResponse:
    """Practice logs waiting for review, oldest first."""
    return render(
        request,
        "workforce/training_staff_practice_queue.html",
        {"title": "Practice logs to review", "logs": selectors.practice_list_waiting()},
    )


@staff_permission_required("workforce.change_practicelog")
@require_http_methods(["GET", "POST"])
def staff_practice_review_view(request: HttpRequest, log_id: int) -> HttpResponse:
    """One practice log with its reflection (each showing is written to the access log); approve it or
    return it with feedback."""
    log = get_object_or_404(
        PracticeLog.objects.select_related(
            "enrolment__application__user", "enrolment__cohort", "experienced_supporter"
        ),
        pk=log_id,
    )
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_log_review(
                log_id=log.pk,
                by=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                feedback=form.cleaned_data["feedback"],
            )
        except services.TrainingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Review saved.")
            return redirect("workforce:staff_practice_queue")
    record_read(request=request, obj=log, record=f"Practice log {log.pk}")
    return render(
        request,
        "workforce/training_staff_practice_review.html",
        {"title": "Review a practice log", "log": log, "form": form},
    )
