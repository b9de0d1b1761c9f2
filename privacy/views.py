import hashlib

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from .forms import DeleteAccountForm
from .models import DataExport


@login_required
@require_GET
def data_home_view(request: HttpRequest) -> HttpResponse:
    """Your data: ask for a copy (and download the latest), and the way to delete the account."""
    now = timezone.now()
    export = services.export_latest(user=request.user)
    return render(
        request,
        "privacy/home.html",
        {
            "title": "Your data",
            "export": export,
            "export_expired": export is not None and export.is_expired(now),
            "link_days": services.export_link_lifetime().days,
            "can_delete": services.self_deletion_allowed(request.user),
        },
    )


@login_required
@require_POST
def export_request_view(request: HttpRequest) -> HttpResponse:
    try:
        export = services.export_request(user=request.user)
    except services.PrivacyError as exc:
        messages.error(request, exc.message)
        return redirect("privacy:home")
    export.refresh_from_db()
    if export.status == DataExport.Status.READY:
        messages.success(request, "Your copy is ready to download.")
    else:
        messages.success(request, "We're preparing your copy. We'll email you when it's ready.")
    return redirect("privacy:home")


@never_cache
@login_required
@require_GET
def export_download_view(request: HttpRequest, public_id) -> HttpResponse:
    """The export's JSON, to its owner only (anyone else: 404), while its link lasts."""
    export = get_object_or_404(DataExport, public_id=public_id, user=request.user)
    try:
        content = services.export_download(export=export)
    except services.ExportExpired as exc:
        return render(
            request,
            "privacy/export_expired.html",
            {"title": "Link expired", "message": exc.message},
            status=410,
        )
    except services.PrivacyError as exc:
        messages.info(request, exc.message)
        return redirect("privacy:home")
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="peersnet-data-{export.requested_at:%Y-%m-%d}.json"'
    )
    return response


def _fingerprint(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32]


@never_cache
@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def delete_account_view(request: HttpRequest) -> HttpResponse:
    """Deleting the account: after signing in again (allauth's reauthentication), what is kept and what
    happens to each future session, then a typed confirmation. Supporters and staff ask us instead."""
    if not services.self_deletion_allowed(request.user):
        raise Http404
    now = timezone.now()
    consequences = services.deletion_consequences(user=request.user, now=now)
    shown = _fingerprint(consequences)
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, initial={"shown": shown})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["shown"] != shown:
            messages.warning(request, "Something changed since you opened this page. Please check it again.")
            form = DeleteAccountForm(initial={"shown": shown})
        else:
            services.account_erase(user_id=request.user.pk, by=request.user, now=now)
            logout(request)
            return redirect("privacy:deleted")
    return render(
        request,
        "privacy/delete.html",
        {"title": "Delete your account", "form": form, "consequences": consequences},
    )


@require_GET
def deleted_view(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/deleted.html", {"title": "Your account is deleted"})
