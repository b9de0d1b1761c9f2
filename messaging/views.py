"""Messaging pages. Thin: find the person's own conversation (else 404), call a service or a selector,
render. Every form works without JavaScript; with htmx the thread sends without a reload and polls for
new messages. Staff read a conversation only as a supervisor handling it, and every read is logged."""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from bookings import selectors as booking_selectors
from peersnet.kernel import crisis_resources
from peersnet.kernel.htmx import redirect_page, wants_fragment
from privacy.access import record_read
from privacy.roles import is_supervisor

from . import selectors, services, thread_panels
from .forms import MessageForm, PauseForm, PreferenceForm, ReasonForm
from .models import Conversation, Message, Side


def _own_conversation(request: HttpRequest, conversation_id: int) -> Conversation:
    """The signed-in person's conversation (as its seeker or its supporter), else 404."""
    return get_object_or_404(
        selectors.conversation_list_for_participant(user=request.user), pk=conversation_id
    )


def _other_name(conversation: Conversation, side: str) -> str:
    if side == Side.SEEKER:
        return conversation.supporter.display_name
    return conversation.seeker.user.get_short_name()


@require_GET
@login_required
def conversation_list_view(request: HttpRequest) -> HttpResponse:
    """Every conversation of the person, newest activity first, with their own unread count each."""
    rows = []
    for conversation in selectors.conversation_list_for_participant(user=request.user).order_by(
        "-last_message_at", "-pk"
    )[:200]:
        side = conversation.side_of(request.user)
        rows.append(
            {
                "conversation": conversation,
                "name": _other_name(conversation, side),
                "unread": conversation.seeker_unread
                if side == Side.SEEKER
                else conversation.supporter_unread,
                "waiting": side == Side.SUPPORTER and conversation.awaiting_since is not None,
            }
        )
    return render(request, "messaging/list.html", {"title": "Messages", "rows": rows})


@require_GET
def unread_badge_view(request: HttpRequest) -> HttpResponse:
    """The header's unread count, fetched by htmx after each page and every minute while it is shown
    (empty for nobody unread, or when signed out)."""
    count = selectors.unread_total(user=request.user)
    response = render(request, "messaging/_badge.html", {"count": count})
    response["Cache-Control"] = "no-store"
    return response


def _thread_context(request: HttpRequest, conversation: Conversation, form: MessageForm) -> dict:
    side = conversation.side_of(request.user)
    before = request.GET.get("before")
    page, has_earlier = selectors.message_page(
        conversation=conversation, before=int(before) if before and before.isdigit() else None
    )
    now = timezone.now()
    reply_by = selectors.conversation_reply_by(conversation) if conversation.awaiting_since else None
    last_id = page[-1].pk if page else 0
    return {
        "title": f"Messages with {_other_name(conversation, side)}",
        "conversation": conversation,
        "side": side,
        "other_name": _other_name(conversation, side),
        "page": page,
        "has_earlier": has_earlier,
        "earliest_id": page[0].pk if page else 0,
        "latest_page": not before,
        "last_id": last_id,
        "form": form,
        "is_open": services.conversation_is_open(conversation, now=now),
        "paused": conversation.paused_at is not None,
        "leave": selectors.current_leave(supporter=conversation.supporter, now=now),
        "reply_by": reply_by,
        "overdue": reply_by is not None and reply_by <= now,
        "poll_seconds": settings.MESSAGING_POLL_SECONDS,
        "max_length": settings.MESSAGING_MAX_LENGTH,
        "max_length_text": f"{settings.MESSAGING_MAX_LENGTH:,}",
        "open_days": settings.MESSAGING_OPEN_FOR.days,
    }


def _mark_read(request: HttpRequest, conversation: Conversation, upto: int) -> None:
    side = conversation.side_of(request.user)
    unread = conversation.seeker_unread if side == Side.SEEKER else conversation.supporter_unread
    if unread and upto:
        services.conversation_mark_read(conversation_id=conversation.pk, reader=request.user, upto_id=upto)


@require_http_methods(["GET", "POST"])
@login_required
def thread_view(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The thread: messages oldest to newest in the viewer's zone, and the send form. A POST sends; htmx
    gets the form back (empty, or with the draft and the reason it wasn't sent) and an event that makes
    the thread fetch the new message at once. A seeker's message with crisis language is sent as any
    other, and the answer shows the crisis resources: out of band for htmx, on the next page otherwise."""
    conversation = _own_conversation(request, conversation_id)
    form = MessageForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_send(
                conversation_id=conversation.pk, sender=request.user, body=form.cleaned_data["body"]
            )
        except services.MessagingError as exc:
            form.add_error("body", exc.message)
            status = 429 if isinstance(exc, services.RateLimited) else 400
        else:
            # Crisis language: the message is sent all the same, and the crisis resources show at once.
            crisis = services.message_has_crisis_language(message)
            if wants_fragment(request):
                conversation.refresh_from_db()
                context = _thread_context(request, conversation, MessageForm())
                context["crisis_oob"] = crisis
                response = render(request, "messaging/thread.html#send-form", context)
                response["HX-Trigger"] = "messages-sent"
                patch_vary_headers(response, ["HX-Request"])
                return response
            if crisis:
                crisis_resources.show_after_redirect(request, "message")
                return redirect(reverse("messaging:thread", args=[conversation.pk]) + "#crisis-resources")
            return redirect(reverse("messaging:thread", args=[conversation.pk]) + "#latest")
    elif request.method == "POST":
        status = 400
    context = _thread_context(request, conversation, form)
    if request.method == "POST" and wants_fragment(request):
        # htmx swaps only 2xx answers: the form comes back with the draft and the reason, as a 200.
        response = render(request, "messaging/thread.html#send-form", context)
        patch_vary_headers(response, ["HX-Request"])
        return response
    if request.method == "GET" and context["latest_page"]:
        _mark_read(request, conversation, context["last_id"])
    context["panels"] = thread_panels.thread_panels(request, conversation, timezone.now())
    response = render(request, "messaging/thread.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@login_required
def thread_new_view(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """What a polling thread asks for: messages after ``after``, appended out of band, and the poller
    itself with the new position. Seen messages count as read."""
    conversation = _own_conversation(request, conversation_id)
    after = request.GET.get("after", "0")
    after_id = int(after) if after.isdigit() else 0
    new = selectors.message_list_after(conversation=conversation, after=after_id)
    last_id = new[-1].pk if new else after_id
    if new:
        _mark_read(request, conversation, last_id)
    response = render(
        request,
        "messaging/thread.html#poller",
        {
            "conversation": conversation,
            "side": conversation.side_of(request.user),
            "other_name": _other_name(conversation, conversation.side_of(request.user)),
            "new_messages": new,
            "last_id": last_id,
            "poll_seconds": settings.MESSAGING_POLL_SECONDS,
            "oob": True,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def for_booking_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    """From a session page: the conversation of that session's two people."""
    booking = get_object_or_404(
        booking_selectors.booking_list_for_participant(user=request.user), pk=booking_id
    )
    conversation = get_object_or_404(
        selectors.conversation_list_for_participant(user=request.user),
        seeker_id=booking.seeker_id,
        supporter_id=booking.supporter_id,
    )
    return redirect("messaging:thread", conversation.pk)


@require_http_methods(["GET", "POST"])
@login_required
def report_view(request: HttpRequest, conversation_id: int, message_id: int) -> HttpResponse:
    """Tell staff about a message in one's own conversation."""
    conversation = _own_conversation(request, conversation_id)
    message = get_object_or_404(Message.objects.filter(conversation=conversation), pk=message_id)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_report(
                message_id=message.pk, reporter=request.user, reason=form.cleaned_data["reason"]
            )
        except services.MessagingError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(request, "Thank you. Our team will look at it.")
            return redirect_page(request, "messaging:thread", conversation.pk)
    return render(
        request,
        "messaging/report.html",
        {"title": "Report a message", "conversation": conversation, "message": message, "form": form},
    )


@require_http_methods(["GET", "POST"])
@login_required
def pause_view(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The supporter pauses a conversation with a seeker who broke the boundaries (a reason for staff)."""
    conversation = get_object_or_404(
        selectors.conversation_list_for_participant(user=request.user).filter(supporter__user=request.user),
        pk=conversation_id,
    )
    form = PauseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.conversation_pause(
                conversation_id=conversation.pk,
                supporter_user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.MessagingError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(request, "The conversation is paused. Our team will look at it.")
            return redirect_page(request, "messaging:thread", conversation.pk)
    return render(
        request,
        "messaging/pause.html",
        {
            "title": "Pause this conversation",
            "conversation": conversation,
            "other_name": _other_name(conversation, Side.SUPPORTER),
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def preference_view(request: HttpRequest) -> HttpResponse:
    """My account's switch for new-message emails."""
    form = PreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={"message_emails": services.wants_message_emails(request.user.pk)},
    )
    if request.method == "POST" and form.is_valid():
        services.messaging_preference_set(
            user=request.user, message_emails=form.cleaned_data["message_emails"]
        )
        messages.success(request, "Your message email choice is saved.")
        return redirect_page(request, "accounts:home")
    return render(request, "messaging/preferences.html", {"title": "Message emails", "form": form})


# --- Supervisors -----------------------------------------------------------------------------------


def _supervisor_or_404(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    if not is_supervisor(request.user):
        raise Http404
    if not is_mfa_enabled(request.user):
        messages.info(request, "Staff pages need two-factor authentication. Please turn it on first.")
        return redirect("mfa_index")
    return None


@require_GET
def supervisor_list_view(request: HttpRequest) -> HttpResponse:
    """Overdue replies, reported messages and paused conversations, for supervisors only (else 404)."""
    if (response := _supervisor_or_404(request)) is not None:
        return response
    return render(
        request,
        "messaging/supervisor_list.html",
        {
            "title": "Messages needing attention",
            "overdue": selectors.conversation_list_overdue(),
            "reports": selectors.report_list_open(),
            "paused": selectors.conversation_list_paused(),
        },
    )


@require_GET
def supervisor_thread_view(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """A supervisor reads a conversation they are handling (a report, a pause, an overdue reply); any
    other is a 404. Every read writes a row in the access log."""
    if (response := _supervisor_or_404(request)) is not None:
        return response
    conversation = get_object_or_404(
        Conversation.objects.select_related("seeker__user", "supporter__user"), pk=conversation_id
    )
    if not selectors.supervisor_may_read(conversation=conversation):
        raise Http404
    record_read(request=request, obj=conversation, record=f"Messages of conversation {conversation.pk}")
    page, has_earlier = selectors.message_page(conversation=conversation)
    return render(
        request,
        "messaging/supervisor_thread.html",
        {
            "title": f"Conversation {conversation.pk}",
            "conversation": conversation,
            "page": page,
            "has_earlier": has_earlier,
            "reports": selectors.report_list_for(conversation=conversation),
            "reply_by": selectors.conversation_reply_by(conversation),
        },
    )
