"""Hiring pages: the apply form, the applicant's progress page and their steps (peer session, video
interview, offer and consent, withdraw), and the permission-checked downloads of private files."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.age import age_on
from privacy import access

from .. import files, services
from ..forms.hiring import ApplyForm, ConsentForm, PeerSessionForm, VideoForm
from ..letters import CONSENT_TEXT
from ..models import Application
from ..selectors import hiring as selectors
from ..stages import CLOSED, Stage, progress

# What happens next at each stage, in plain words, for the applicant.
NEXT: dict[str, str] = {
    Stage.SUBMITTED: "Book a free peer support session with one of our supporters, so you know what a "
    "session feels like from the other side. Once you've had it, link it below and we'll confirm it.",
    Stage.PEER_SESSION: "Record a short video interview, about 15 minutes, answering a few questions, "
    "and send it to us as a link or a file.",
    Stage.VIDEO: "We're watching your video. We'll be in touch to set a time for a one-to-one interview.",
    Stage.INTERVIEW: "We'll meet for a one-to-one interview. After it, we'll let you know our decision "
    "by email.",
    Stage.OFFER: "Read your offer letter. If you'd like to go ahead, accept it and then give your consent "
    "to a background check.",
    Stage.CONSENT: "We've started your background check. It usually takes a few working days.",
    Stage.CLEARED: "Your background check is clear. We'll be in touch shortly about your next step.",
    Stage.TRAINING: "Join a training cohort: 80 hours over 8 weeks with other new supporters.",
    Stage.ONBOARDING: "Finish onboarding: your profile, your availability and our code of ethics.",
    Stage.ONBOARDED: "You're a peersnet supporter. Thank you.",
    Stage.REJECTED: "We won't be going ahead with your application this time. Thank you for the time and "
    "care you put into it. If you'd like to talk about it, email us; peer support sessions remain open "
    "to you.",
    Stage.WITHDRAWN: "You withdrew your application. If you change your mind or have questions, email us.",
}
CERTIFIED_ONBOARDING = (
    "As you're already certified, you skip our training: you may begin once we have oriented you. We'll "
    "set up an orientation session, then you finish onboarding (your profile, your availability and our "
    "code of ethics)."
)

VIDEO_QUESTIONS = [
    "Tell us a little about yourself and why you'd like to be a peer supporter.",
    "Share something from your own experience that you think could help someone else, and how you'd decide "
    "whether to share it.",
    "Someone tells you they're struggling and don't know who to talk to. What would you say first?",
    "How do you look after yourself when supporting others gets heavy?",
]


def _own(request: HttpRequest) -> Application:
    application = selectors.application_get_for_user(user=request.user)
    if application is None:
        raise Http404
    return application


@login_required
@require_http_methods(["GET", "POST"])
def apply_view(request: HttpRequest) -> HttpResponse:
    """The application form: any signed-in adult, once."""
    if selectors.application_get_for_user(user=request.user) is not None:
        messages.info(request, "You've already applied. This page shows where your application stands.")
        return redirect("workforce:progress")
    born = request.user.date_of_birth
    if born is not None and age_on(born, timezone.localdate()) < 18:
        return render(request, "workforce/apply_too_young.html", {"title": "Become a peer supporter"})
    form = ApplyForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        ask_birth_date=born is None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = services.ApplicationDetails(
            phone=data["phone"],
            state=data["state"],
            availability=data["availability"],
            commits_five_hours=data["commits_five_hours"],
            lived_experience=data["lived_experience"],
            already_certified=data["already_certified"],
        )
        try:
            services.application_submit(
                user=request.user,
                already_certified=details.already_certified,
                details=details,
                resume=data["resume"],
            )
        except services.HiringError as exc:
            messages.info(request, exc.message)
            return redirect("workforce:progress")
        messages.success(request, "Thank you. We have your application.")
        return redirect("workforce:progress")
    return render(
        request, "workforce/apply.html", {"title": "Apply to become a peer supporter", "form": form}
    )


@login_required
@require_GET
def progress_view(request: HttpRequest) -> HttpResponse:
    """The applicant's own application: the steps, what happens next, and their actions."""
    application = selectors.application_get_for_user(user=request.user)
    if application is None:
        return redirect("workforce:apply")
    steps = progress(application.stage, already_certified=application.already_certified)
    next_text = NEXT[application.stage]
    if application.already_certified and application.stage in (Stage.CLEARED, Stage.ONBOARDING):
        next_text = CERTIFIED_ONBOARDING
    return render(
        request,
        "workforce/progress.html",
        {
            "title": "Your application",
            "application": application,
            "steps": steps,
            "next_text": next_text,
            "closed": application.stage in CLOSED,
            "Stage": Stage,
            "has_sessions": selectors.booking_list_for_peer_session(user=request.user).exists()
            if application.stage == Stage.SUBMITTED
            else False,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def peer_session_view(request: HttpRequest) -> HttpResponse:
    """Link the free peer support session: one of the applicant's own completed sessions."""
    application = _own(request)
    if application.stage != Stage.SUBMITTED:
        return redirect("workforce:progress")
    bookings = selectors.booking_list_for_peer_session(user=request.user)
    form = PeerSessionForm(
        request.POST if request.method == "POST" else None,
        bookings=bookings,
        initial={"booking": application.peer_session_booking_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.peer_session_link(
                application_id=application.pk, user=request.user, booking_id=form.cleaned_data["booking"].pk
            )
        except services.HiringError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Thank you. We'll confirm your session soon.")
            return redirect("workforce:progress")
    return render(
        request,
        "workforce/peer_session.html",
        {"title": "Your free peer support session", "form": form, "has_sessions": bookings.exists()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def video_view(request: HttpRequest) -> HttpResponse:
    """Send the recorded video interview: a link or an upload, the applicant's choice."""
    application = _own(request)
    if application.stage != Stage.PEER_SESSION:
        return redirect("workforce:progress")
    form = VideoForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.video_submit(
                application_id=application.pk,
                user=request.user,
                link=form.cleaned_data["link"] or "",
                upload=form.cleaned_data["video"] or None,
            )
        except services.HiringError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Thank you. We have your video interview.")
            return redirect("workforce:progress")
    return render(
        request,
        "workforce/video.html",
        {"title": "Your recorded video interview", "form": form, "questions": VIDEO_QUESTIONS},
    )


def _client_ip(request: HttpRequest) -> str | None:
    """The applicant's address for the consent record: the client's, read through the proxies we trust
    (``TRUSTED_PROXY_COUNT``, as the rate limits read it), not the proxy's own ``REMOTE_ADDR``."""
    try:
        return get_adapter().get_client_ip(request)
    except PermissionDenied:  # no address at all: the consent is kept without one
        return None


@login_required
@require_http_methods(["GET", "POST"])
def offer_view(request: HttpRequest) -> HttpResponse:
    """The offer letter, its acceptance, then the background-check consent (its text and version)."""
    application = _own(request)
    if application.stage != Stage.OFFER:
        return redirect("workforce:progress")
    form = ConsentForm(request.POST if request.method == "POST" and "consent" in request.POST else None)
    if request.method == "POST":
        try:
            if "accept" in request.POST:
                services.offer_accept(application_id=application.pk, user=request.user)
                messages.success(request, "You've accepted the offer. One more step: your consent below.")
                return redirect("workforce:offer")
            if "consent" in request.POST and form.is_valid():
                services.consent_give(
                    application_id=application.pk,
                    user=request.user,
                    ip_address=_client_ip(request),
                )
                messages.success(request, "Thank you. We've started your background check.")
                return redirect("workforce:progress")
        except services.HiringError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "workforce/offer.html",
        {"title": "Your offer", "application": application, "form": form, "consent_text": CONSENT_TEXT},
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_view(request: HttpRequest) -> HttpResponse:
    """Withdraw, after a confirmation page."""
    application = _own(request)
    if application.stage in CLOSED:
        return redirect("workforce:progress")
    if request.method == "POST":
        try:
            services.application_withdraw(application_id=application.pk, user=request.user)
        except services.HiringError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "You've withdrawn your application.")
        return redirect("workforce:progress")
    return render(request, "workforce/withdraw.html", {"title": "Withdraw your application"})


def _file_response(name: str, *, kind: str, filename: str) -> StreamingHttpResponse:
    content_type = {**files.RESUME_KINDS, **files.VIDEO_KINDS}.get(kind, "application/octet-stream")
    response = StreamingHttpResponse(files.open_decrypted(name), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _file_for(request: HttpRequest, application_id: int, *, what: str) -> HttpResponse:
    """The applicant's own file, or hiring staff's read of it (access-logged); anyone else a 404."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        raise Http404
    is_owner = application.user_id == user.pk
    is_staff = services.is_hiring_staff(user) and user.has_perm("workforce.view_application")
    if not (is_owner or is_staff):
        raise Http404
    name, kind = (
        (application.resume_file, application.resume_kind)
        if what == "resume"
        else (application.video_file, application.video_kind)
    )
    if not name:
        raise Http404
    if not is_owner:
        access.record_read(
            request=request, obj=application, record=f"{what.capitalize()} of application {application.pk}"
        )
    return _file_response(name, kind=kind, filename=f"{what}-application-{application.pk}.{kind}")


@never_cache
@require_GET
def resume_view(request: HttpRequest, application_id: int) -> HttpResponse:
    return _file_for(request, application_id, what="resume")


@never_cache
@require_GET
def video_file_view(request: HttpRequest, application_id: int) -> HttpResponse:
    return _file_for(request, application_id, what="video")
