"""A crisis flag's page for supervisors: what matched, where, the clock; acknowledge it, then close it
with what was done. Every open of the page writes a row in the access log; anyone else gets a 404."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from privacy.access import record_read

from .. import clock, selectors, services
from ..forms import FlagCloseForm
from ..models import CrisisFlag
from .guards import supervisor_or_404


def _flag_or_404(flag_id: int) -> CrisisFlag:
    flag = selectors.flag_get(flag_id=flag_id)
    if flag is None:  # a closed flag stays readable: it is the record of what was done
        raise Http404
    return flag


def _render(request: HttpRequest, flag: CrisisFlag, form: FlagCloseForm, status: int = 200) -> HttpResponse:
    record_read(request=request, obj=flag, record=f"Crisis flag {flag.pk}")
    response = render(
        request,
        "safety/flag.html",
        {
            "title": f"Crisis flag {flag.pk}",
            "flag": flag,
            "phrases": [line.split(": ", 1) for line in flag.matched_words.splitlines() if ": " in line],
            "clock": clock.reading(None if flag.acknowledged_at else flag.due_at, timezone.now()),
            "form": form,
            "intake_id": selectors.intake_id_of(flag=flag),
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET"])
def flag_view(request: HttpRequest, flag_id: int) -> HttpResponse:
    if (response := supervisor_or_404(request)) is not None:
        return response
    return _render(request, _flag_or_404(flag_id), FlagCloseForm())


@require_POST
def flag_acknowledge_view(request: HttpRequest, flag_id: int) -> HttpResponse:
    if (response := supervisor_or_404(request)) is not None:
        return response
    flag = _flag_or_404(flag_id)
    try:
        services.flag_acknowledge(flag_id=flag.pk, by=request.user)
    except services.FlagError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "You have acknowledged this flag. Close it when you have done what is needed."
        )
    return redirect("safety:flag", flag.pk)


@require_POST
def flag_close_view(request: HttpRequest, flag_id: int) -> HttpResponse:
    if (response := supervisor_or_404(request)) is not None:
        return response
    flag = _flag_or_404(flag_id)
    form = FlagCloseForm(request.POST)
    if form.is_valid():
        try:
            services.flag_close(
                flag_id=flag.pk,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except services.FlagError as exc:
            form.add_error("reason" if exc.code in ("reason", "too_long") else None, exc.message)
        else:
            messages.success(request, f"Crisis flag {flag.pk} is closed.")
            return redirect("safety:queue")
    return _render(request, flag, form, status=400)
