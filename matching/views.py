"""Matching pages: the questionnaire (signed in or not), suggestions, "I know this person" and its undo,
and asking our team."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.pending import pending_claim_remember, pending_claim_token, pending_remember
from accounts.timezones import friendly_zone_name
from peersnet.kernel.htmx import redirect_page
from seekers.decorators import seeker_required
from supporters import services as supporter_services
from supporters.selectors import conflict_list_hidden_by_seeker, tag_list_for_filters

from . import selectors, services
from .forms import STEPS, TeamRequestForm, WhenForm
from .models import TeamRequest

SESSION_DRAFT = "matching_draft"


def _viewer_answers(request: HttpRequest):
    token = pending_claim_token(request, services.CLAIM_KIND)
    return selectors.answers_for_viewer(
        user=request.user, claim_hash=services.claim_hash(token) if token else ""
    )


def _is_seeker(request: HttpRequest) -> bool:
    return request.user.is_authenticated and hasattr(request.user, "seeker")


@require_GET
def start_view(request: HttpRequest) -> HttpResponse:
    """What the questionnaire is, and the way to our team. Anyone."""
    staff_or_supporter = request.user.is_authenticated and not _is_seeker(request)
    return render(
        request,
        "matching/start.html",
        {
            "title": "Find a supporter who fits",
            "answers": None if staff_or_supporter else _viewer_answers(request),
            "steps": len(STEPS),
        },
    )


def _form_for(step: int, data, draft: dict):
    form_class, _heading = STEPS[step - 1]
    if form_class is WhenForm:
        return WhenForm(
            data, initial=draft, zone_label=friendly_zone_name(timezone.get_current_timezone_name())
        )
    if hasattr(form_class, "kind"):
        return form_class(data, initial=draft, tags=tag_list_for_filters())
    return form_class(data, initial=draft)


@require_http_methods(["GET", "POST"])
def question_view(request: HttpRequest, step: str) -> HttpResponse:
    """One question per screen, with Back, Skip and how far along. Answers wait in the session (never
    the free text, which goes straight to the saved, encrypted row) until the last screen saves them."""
    step = int(step)
    if not 1 <= step <= len(STEPS):
        raise Http404
    if request.user.is_authenticated and not _is_seeker(request):
        raise Http404  # supporters and staff don't take the questionnaire
    draft = request.session.get(SESSION_DRAFT)
    draft = dict(draft) if isinstance(draft, dict) else {}
    if not draft and step == 1 and request.method == "GET":
        saved = _viewer_answers(request)  # retaking: start from the saved answers (never the free text)
        if saved is not None:
            draft = {name: getattr(saved, name) for name in services.DRAFT_FIELDS}
            request.session[SESSION_DRAFT] = draft
    skipping = request.method == "POST" and "skip" in request.POST
    form = _form_for(step, request.POST if request.method == "POST" and not skipping else None, draft)
    if request.method == "POST" and (skipping or form.is_valid()):
        values = {} if skipping else form.values()
        if skipping:
            for name in form.fields:
                draft.pop(name, None)
        if step < len(STEPS):
            draft.update(values)
            request.session[SESSION_DRAFT] = draft
            return redirect("matching:question", step=step + 1)
        final = {**draft, **values, "time_zone": timezone.get_current_timezone_name()}
        answers, token = services.answers_save(values=final, user=request.user)
        if token:
            pending_claim_remember(request, kind=services.CLAIM_KIND, token=token)
        request.session.pop(SESSION_DRAFT, None)
        return redirect("matching:suggestions")
    _form_class, heading = STEPS[step - 1]
    return render(
        request,
        "matching/question.html",
        {
            "title": f"Question {step} of {len(STEPS)}: {heading}",
            "form": form,
            "step": step,
            "steps": len(STEPS),
            "heading": heading,
            "back_url": reverse("matching:question", args=[step - 1])
            if step > 1
            else reverse("matching:start"),
        },
    )


@require_GET
def suggestions_view(request: HttpRequest) -> HttpResponse:
    """The suggestions of the viewer's saved answers, with their reasons and next open times."""
    answers = _viewer_answers(request)
    if answers is None:
        return redirect("matching:start")
    return render(
        request,
        "matching/suggestions.html",
        {
            "title": "Suggested for you",
            "answers": answers,
            "suggestions": selectors.suggestion_list_saved(answers, user=request.user),
            "is_seeker": _is_seeker(request),
        },
    )


@require_GET
def signup_view(request: HttpRequest) -> HttpResponse:
    """ "Sign up to keep these": after signing up, the directory with "Suggested for you" on top."""
    pending_remember(request, url=reverse("supporters:directory"))
    return redirect("account_signup")


def _next_or(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and target.startswith("/"):
        return target
    return default


@require_POST
@seeker_required
def hide_view(request: HttpRequest, supporter_id: int) -> HttpResponse:
    """ "I know this person": the supporter is gone from this seeker's pages for good (undo in My account)."""
    try:
        supporter_services.conflict_hide(seeker_user=request.user, supporter_id=supporter_id)
    except supporter_services.ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Done. You won't see this supporter anywhere on peersnet. You can undo this in My account.",
        )
    target = _next_or(request, reverse("supporters:directory"))
    if target.startswith(reverse("supporters:profile", args=[supporter_id])):
        target = reverse("supporters:directory")  # the profile is hidden from them now
    return redirect_page(request, target)


@require_GET
@seeker_required
def hidden_view(request: HttpRequest) -> HttpResponse:
    """The supporters this seeker hid, each with an undo."""
    return render(
        request,
        "matching/hidden.html",
        {"title": "Supporters you've hidden", "conflicts": conflict_list_hidden_by_seeker(user=request.user)},
    )


@require_POST
@seeker_required
def unhide_view(request: HttpRequest, conflict_id: int) -> HttpResponse:
    try:
        supporter_services.conflict_unhide(seeker_user=request.user, conflict_id=conflict_id)
    except supporter_services.ConflictError:
        raise Http404 from None
    messages.success(request, "Undone. That supporter shows again in the directory and suggestions.")
    return redirect("matching:hidden")


@require_http_methods(["GET", "POST"])
@seeker_required
def team_request_new_view(request: HttpRequest) -> HttpResponse:
    """ "Ask our team to suggest someone": a note, then our team answers within one business day."""
    form = TeamRequestForm(request.POST if request.method == "POST" else None)
    open_request = TeamRequest.objects.filter(seeker=request.seeker, status=TeamRequest.Status.OPEN).first()
    if request.method == "POST" and form.is_valid():
        try:
            created = services.team_request_create(seeker=request.seeker, note=form.cleaned_data["note"])
        except services.MatchingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Thank you. Our team will suggest someone within one business day.")
            return redirect("matching:team_request", request_id=created.pk)
    return render(
        request,
        "matching/team_new.html",
        {
            "title": "Ask our team to suggest someone",
            "form": form,
            "open_request": open_request,
            "answers": selectors.answers_for_viewer(user=request.user),
        },
    )


@require_GET
@seeker_required
def team_request_view(request: HttpRequest, request_id: int) -> HttpResponse:
    """One of the seeker's own requests: waiting (with when to expect an answer) or the suggestions."""
    try:
        team_request, suggestions = selectors.team_request_get_for_seeker(
            seeker=request.seeker, request_id=request_id
        )
    except TeamRequest.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "matching/team_request.html",
        {"title": "Suggestions from our team", "team_request": team_request, "suggestions": suggestions},
    )
