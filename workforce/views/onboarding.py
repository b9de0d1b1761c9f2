"""The supporter's onboarding checklist, the code of ethics, and their credentials. Each person sees only
their own: anyone else gets a 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from supporters.models import SupporterProfile

from .. import ethics
from ..models import Credential, EthicsAcknowledgement
from ..selectors.credentials import credential_list_for_supporter
from ..selectors.onboarding import onboarding_checklist, onboarding_get_for_user
from ..services.onboarding import ethics_acknowledge


def _own_supporter(request: HttpRequest) -> SupporterProfile:
    try:
        return request.user.supporter
    except SupporterProfile.DoesNotExist:
        raise Http404 from None


@login_required
def onboarding_view(request: HttpRequest) -> HttpResponse:
    """The checklist with where each item is done, and the date it is due."""
    onboarding = onboarding_get_for_user(user=request.user)
    if onboarding is None:
        raise Http404
    items = onboarding_checklist(onboarding=onboarding)
    context = {
        "title": "Your onboarding",
        "onboarding": onboarding,
        "items": items,
        "done_count": sum(item.done for item in items),
        "complete": all(item.done for item in items),
    }
    return render(request, "workforce/onboarding_checklist.html", context)


class EthicsForm(forms.Form):
    agree = forms.BooleanField(
        label="I have read this code of ethics and I will follow it in my work with peersnet",
        error_messages={"required": "Tick the box to acknowledge the code of ethics."},
    )


@login_required
@require_http_methods(["GET", "POST"])
def onboarding_ethics_view(request: HttpRequest) -> HttpResponse:
    """Our code of ethics, and the acknowledgement (with its time and version)."""
    _own_supporter(request)
    form = EthicsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        ethics_acknowledge(user=request.user)
        messages.success(request, "Thank you. Your acknowledgement of our code of ethics is recorded.")
        return redirect(
            "workforce:onboarding"
            if onboarding_get_for_user(user=request.user)
            else "workforce:onboarding_ethics"
        )
    acknowledgement = EthicsAcknowledgement.objects.filter(user=request.user, version=ethics.VERSION).first()
    context = {
        "title": ethics.TITLE,
        "principles": ethics.PRINCIPLES,
        "version": ethics.VERSION,
        "acknowledgement": acknowledgement,
        "form": form,
    }
    return render(request, "workforce/onboarding_ethics.html", context)


@login_required
def credentials_view(request: HttpRequest) -> HttpResponse:
    """The supporter's credentials on record, with when each expires."""
    supporter = _own_supporter(request)
    context = {
        "title": "Your credentials",
        "supporter": supporter,
        "rows": credential_list_for_supporter(supporter=supporter),
    }
    return render(request, "workforce/onboarding_credentials.html", context)


@login_required
def credential_document_view(request: HttpRequest, credential_id: int) -> HttpResponse:
    """A credential's document, from private storage: to its supporter and to staff allowed to view
    credentials; a 404 for anyone else (and when there is no document)."""
    credential = get_object_or_404(Credential.objects.select_related("supporter"), pk=credential_id)
    own = credential.supporter.user_id == request.user.pk
    staff = request.user.is_staff and request.user.has_perm("workforce.view_credential")
    if not (own or staff) or not credential.document:
        raise Http404
    name = credential.document.name.rsplit("/", 1)[-1].split("-", 1)[-1]
    response = FileResponse(credential.document.open("rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    return response
