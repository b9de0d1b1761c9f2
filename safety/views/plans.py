"""Safety plan pages. The seeker and their current supporters write; supervisors read (every read
logged); everyone else gets a 404. Who counts as a current supporter: safety.plans_selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from peersnet.kernel.pdf import PdfSection, document
from privacy import access
from seekers.decorators import seeker_required

from .. import plans_selectors as selectors
from .. import services
from ..forms_plans import PlanForm
from ..models import SafetyPlanVersion
from ..models.plans import PLAN_SECTIONS, STANDING_CONTACTS
from ..plans_selectors import PlanAccess


def _plan_or_404(request: HttpRequest, seeker_id: int, *, allowed: set[PlanAccess]):
    """(seeker, access, plan) when the signed-in person may do this here; else 404 (nobody learns that
    the seeker or a plan exists)."""
    seeker = selectors.seeker_get(seeker_id=seeker_id)
    if seeker is None:
        raise Http404
    found = selectors.plan_access(user=request.user, seeker=seeker, now=timezone.now())
    if found is None or found not in allowed:
        raise Http404
    return seeker, found, selectors.plan_get(seeker=seeker)


def _log_supervisor_read(request: HttpRequest, found: PlanAccess, obj, record: str) -> None:
    if found == PlanAccess.SUPERVISOR and obj is not None:
        access.record_read(request=request, obj=obj, record=record)


def _sections_of(version: SafetyPlanVersion | None) -> list[dict]:
    """[{key, heading, lines}] in page order; "professionals" starts with 988 and 911."""
    texts = version.sections if version is not None else {}
    shown = []
    for key, heading, _help in PLAN_SECTIONS:
        lines = [line for line in (texts.get(key) or "").split("\n") if line.strip()]
        if key == "professionals":
            lines = [*STANDING_CONTACTS, *lines]
        shown.append({"key": key, "heading": heading, "lines": lines})
    return shown


READERS = {PlanAccess.SEEKER, PlanAccess.SUPPORTER, PlanAccess.SUPERVISOR}
WRITERS = {PlanAccess.SEEKER, PlanAccess.SUPPORTER}


@require_GET
@seeker_required
def my_plan_view(request: HttpRequest) -> HttpResponse:
    """ "My safety plan": the seeker's own plan page."""
    return redirect("safety:plan", request.seeker.pk)


@never_cache
@require_GET
@login_required
def plan_view(request: HttpRequest, seeker_id: int) -> HttpResponse:
    seeker, found, plan = _plan_or_404(request, seeker_id, allowed=READERS)
    version = selectors.plan_version_latest(plan=plan)
    _log_supervisor_read(request, found, version, f"Safety plan {plan.pk if plan else ''} (current version)")
    return render(
        request,
        "safety/plan_detail.html",
        {
            "title": "My safety plan" if found == PlanAccess.SEEKER else "Safety plan",
            "seeker": seeker,
            "access": found,
            "version": version,
            "sections": _sections_of(version),
            "can_edit": found in WRITERS,
            "current_days": selectors.current_days(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def plan_edit_view(request: HttpRequest, seeker_id: int) -> HttpResponse:
    """Write the plan. Every save is a new version; a save started from an older version than the newest
    is refused with the newer text shown, and the writer's text kept in the form."""
    seeker, found, plan = _plan_or_404(request, seeker_id, allowed=WRITERS)
    latest = selectors.plan_version_latest(plan=plan)
    newer = None
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                services.plan_save(
                    seeker=seeker,
                    author=request.user,
                    author_role=str(found),
                    sections=form.sections(),
                    base_version=form.cleaned_data["base_version"],
                    now=timezone.now(),
                )
            except services.PlanConflict as exc:
                newer = exc.newer
                # Saving again from here is a deliberate choice made with the newer text in view.
                data = request.POST.copy()
                data["base_version"] = str(exc.newer.number)
                form = PlanForm(data)
                form.is_valid()
                form.add_error(None, exc.message)
            except services.PlanError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Saved. This is now the newest version of the plan.")
                return redirect("safety:plan", seeker.pk)
    else:
        initial = {"base_version": latest.number if latest else 0}
        if latest is not None:
            initial.update(latest.sections)
        form = PlanForm(initial=initial)
    return render(
        request,
        "safety/plan_edit.html",
        {
            "title": "Edit the safety plan",
            "seeker": seeker,
            "access": found,
            "form": form,
            "newer": newer,
            "newer_sections": _sections_of(newer) if newer else None,
            "standing_contacts": STANDING_CONTACTS,
            "current_days": selectors.current_days(),
        },
    )


@never_cache
@require_GET
@login_required
def plan_versions_view(request: HttpRequest, seeker_id: int) -> HttpResponse:
    seeker, found, plan = _plan_or_404(request, seeker_id, allowed=READERS)
    versions = list(selectors.plan_version_list(plan=plan))
    _log_supervisor_read(request, found, plan, f"Safety plan {plan.pk if plan else ''} (list of versions)")
    return render(
        request,
        "safety/plan_versions.html",
        {
            "title": "Earlier versions of the safety plan",
            "seeker": seeker,
            "access": found,
            "versions": versions,
        },
    )


@never_cache
@require_GET
@login_required
def plan_version_view(request: HttpRequest, seeker_id: int, number: int) -> HttpResponse:
    seeker, found, plan = _plan_or_404(request, seeker_id, allowed=READERS)
    version = selectors.plan_version_get(plan=plan, number=number) if plan else None
    if version is None:
        raise Http404
    _log_supervisor_read(request, found, version, f"Safety plan {plan.pk} version {version.number}")
    return render(
        request,
        "safety/plan_version.html",
        {
            "title": f"Safety plan, version {version.number}",
            "seeker": seeker,
            "access": found,
            "version": version,
            "is_newest": version.number == plan.version,
            "sections": _sections_of(version),
        },
    )


@never_cache
@require_GET
@login_required
def plan_print_view(request: HttpRequest, seeker_id: int) -> HttpResponse:
    """The plan on one sheet (print.css), for the seeker only."""
    seeker, _found, plan = _plan_or_404(request, seeker_id, allowed={PlanAccess.SEEKER})
    version = selectors.plan_version_latest(plan=plan)
    return render(
        request,
        "safety/plan_print.html",
        {"title": "My safety plan", "seeker": seeker, "version": version, "sections": _sections_of(version)},
    )


@require_GET
@login_required
def plan_pdf_view(request: HttpRequest, seeker_id: int) -> HttpResponse:
    """The plan as a PDF download, for the seeker only. The file name carries no personal data; the
    response is never stored by a cache."""
    seeker, _found, plan = _plan_or_404(request, seeker_id, allowed={PlanAccess.SEEKER})
    version = selectors.plan_version_latest(plan=plan)
    zone = request.user.tzinfo
    subtitle = (
        f"Version {version.number}, saved {timezone.localtime(version.created_at, zone):%B %-d, %Y}"
        if version
        else "Not written yet"
    )
    pdf = document(
        title="My safety plan",
        subtitle=subtitle,
        sections=[PdfSection(section["heading"], section["lines"]) for section in _sections_of(version)],
        footer="Keep this plan where you can find it quickly. You can change it any time on peersnet.",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="safety-plan.pdf"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
