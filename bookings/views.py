"""Booking pages for seekers and supporters. Thin: find the person's own booking (else 404), call a
service, say what happened. Which actions a page offers is the policy's answer (``booking_actions``).
Every POST also works without JavaScript."""

from collections.abc import Callable
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from giftcards.selectors import credits_available
from payments.selectors import money_by_payable
from payments.services import seeker_card
from peersnet.kernel.htmx import redirect_page
from privacy import access
from seekers.decorators import seeker_required
from supporters.decorators import supporter_required
from supporters.models import Slot
from supporters.selectors import supporter_ids_hidden_from

from . import links, panels, selectors, services
from .decorators import participant_required
from .forms import BookingRequestForm, DeclineForm, DeclineRequestForm, FeedbackForm, RescheduleForm
from .ics import booking_ics
from .policy import (
    booking_actions,
    cancel_button_label,
    free_cancellation_deadline,
    guarantee_until,
    join_opens_at,
    keeps_free_cancellation,
    late_cancel_outcome,
    money_sentence,
    policy_terms,
)


def _one_click(request: HttpRequest, act: Callable[[], object], *, done: str, back: str) -> HttpResponse:
    """A one-button POST on the person's own booking: do it, say what happened (or why not), go back."""
    try:
        act()
    except services.BookingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect_page(request, back)


# --- Requesting ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@seeker_required
def booking_request_view(request: HttpRequest, slot_id: int) -> HttpResponse:
    """The booking step for one open slot: confirm the time (and, the first time, that the seeker
    doesn't know the supporter), then request it."""
    slot = get_object_or_404(
        selectors.slot_list_of_listed_supporters().exclude(
            supporter__in=supporter_ids_hidden_from(user=request.user)  # a conflict of interest: never shown
        ),
        pk=slot_id,
    )
    try:
        services.booking_request_payment_check(seeker=request.seeker)
    except services.CardNeeded as exc:
        return _card_step(request, slot, exc)
    first_time = not services.seeker_has_booked_with(seeker=request.seeker, supporter=slot.supporter)
    form = BookingRequestForm(request.POST if request.method == "POST" else None, first_time=first_time)
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.booking_request(
                seeker=request.seeker,
                slot_id=slot.pk,
                confirms_no_personal_relationship=form.cleaned_data.get("no_personal_relationship", False),
            )
        except services.CardNeeded as exc:  # the card was removed meanwhile
            return _card_step(request, slot, exc)
        except services.SlotTaken as exc:
            form.add_error(None, exc.message)
            return render(
                request,
                "bookings/request.html",
                {
                    "title": "That time was just taken",
                    "slot": slot,
                    "form": form,
                    "taken": True,
                    "alternatives": selectors.slot_list_next_open(supporter=slot.supporter, limit=6),
                },
                status=409,
            )
        except services.BookingError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect_page(request, "bookings:sent", booking.pk)
    available = slot.is_bookable_by(request.user)
    return render(
        request,
        "bookings/request.html",
        {
            "title": "Book a session",
            "slot": slot,
            "form": form,
            "available": available,
            "held_until": _held_until(request, slot),
            "alternatives": []
            if available
            else selectors.slot_list_next_open(supporter=slot.supporter, limit=6),
            "gift_credits": credits_available(seeker=request.seeker),
        },
    )


@require_GET
@seeker_required
def booking_sent_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    """ "Request sent": what happens next, and (before the first session) the intake offered, with
    "later", never forced in place of this confirmation."""
    booking = get_object_or_404(selectors.booking_list_for_seeker(user=request.user), pk=booking_id)
    detail = reverse("bookings:detail", args=[booking.pk])
    return render(
        request,
        "bookings/sent.html",
        {
            "title": "Request sent",
            "booking": booking,
            "intake_due": request.seeker.intake_completed_at is None,
            "intake_url": f"{reverse('seekers:intake')}?next={quote(detail)}",
            "gift": booking.paid_with_credit,
        },
    )


def _held_until(request: HttpRequest, slot: Slot):
    """When the waitlist holds this time for the viewer: until when (else None)."""
    held = slot.status == Slot.Status.RESERVED and slot.is_bookable_by(request.user)
    return slot.reserved_until if held else None


def _card_step(request: HttpRequest, slot: Slot, exc: services.CardNeeded) -> HttpResponse:
    """No card and no gift session yet: the booking summary first (who, when, the fee, the free
    cancellation rule), then a button to the card step. The card page's Cancel goes back to the
    supporter's profile, never to this page (which would send them to the card again)."""
    card_url = (
        f"{reverse('payments:card')}?next={quote(reverse('bookings:request', args=[slot.pk]))}"
        f"&back={quote(reverse('supporters:profile', args=[slot.supporter_id]))}"
    )
    return render(
        request,
        "bookings/request.html",
        {
            "title": "Book a session",
            "slot": slot,
            "available": slot.is_bookable_by(request.user),
            "held_until": _held_until(request, slot),
            "needs_card": True,
            "card_needed_message": exc.message,
            "card_url": card_url,
            "alternatives": []
            if slot.is_bookable_by(request.user)
            else selectors.slot_list_next_open(supporter=slot.supporter, limit=6),
            "gift_credits": 0,
        },
    )


# --- Seeker portal and detail --------------------------------------------------------------------


@require_GET
@seeker_required
def seeker_portal_view(request: HttpRequest) -> HttpResponse:
    upcoming, past = selectors.booking_list_for_seeker_portal(seeker=request.seeker)
    return render(
        request,
        "bookings/portal.html",
        {
            "title": "My sessions",
            "upcoming": upcoming,
            "past": past,
            "now": timezone.now(),
            "card": seeker_card(seeker=request.seeker),
            "money": money_by_payable(seeker=request.seeker),
            "unpaid": [b for b in upcoming if b.status == b.Status.PAYMENT_PENDING],
            "feedback_due": selectors.booking_list_feedback_due(seeker=request.seeker),
            "gift_credits": credits_available(seeker=request.seeker),
            "pinned": links.portal_links(request),  # from apps above bookings (bookings/links.py)
        },
    )


@require_http_methods(["GET", "POST"])
@seeker_required
def booking_feedback_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    """How did it go? "I didn't love it" is the money-back guarantee: one click, no questions asked."""
    booking = get_object_or_404(
        selectors.booking_list_for_seeker(user=request.user).select_related("feedback"), pk=booking_id
    )
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        loved = form.cleaned_data["choice"] == "loved"
        try:
            services.booking_feedback(
                booking_id=booking.pk,
                seeker=request.seeker,
                loved=loved,
                comment=form.cleaned_data["comment"],
                rating=form.cleaned_data["rating"],
            )
        except services.BookingError as exc:
            form.add_error(None, exc.message)
        else:
            if loved:
                messages.success(request, "Thank you for telling us. We'll pass on the good news.")
            else:
                booking.refresh_from_db()
                messages.success(request, f"We're sorry it wasn't right. {money_sentence(booking)}")
            return redirect_page(request, "bookings:detail", booking.pk)
    return render(
        request,
        "bookings/feedback.html",
        {
            "title": "How was your session?",
            "booking": booking,
            "form": form,
            "guarantee_until": guarantee_until(booking),
            "actions": booking_actions(booking, request.user, timezone.now()),
        },
    )


@require_GET
@participant_required
def booking_detail_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = request.booking
    now = timezone.now()
    actions = booking_actions(booking, request.user, now)
    shared_intake = None if actions.is_seeker else selectors.intake_shared_with_supporter(booking=booking)
    if shared_intake:
        # The supporter reads answers the seeker chose to share: logged like a staff read (docs/privacy.md).
        intake = booking.seeker.intake
        access.record_read(
            request=request,
            obj=intake,
            record=f"Intake {intake.pk} of seeker {intake.seeker_id} (shared answers)",
        )
    return render(
        request,
        "bookings/detail.html",
        {
            "title": "Your session",
            "booking": booking,
            "actions": actions,
            "is_seeker": actions.is_seeker,
            "join_opens_at": join_opens_at(booking),
            "free_until": free_cancellation_deadline(booking),
            "shared_intake": shared_intake,
            "now": now,
            "panels": panels.session_panels(request, booking, now),
            "session_links": links.session_links(request, booking),  # from apps above (bookings/links.py)
        },
    )


@require_GET
@participant_required
def booking_join_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The Join button: only the two participants, only while the policy's join window is open."""
    booking = request.booking
    if not booking_actions(booking, request.user, timezone.now()).join:
        messages.info(
            request,
            f"The video room opens {policy_terms()['join_opens_minutes']} minutes before the session starts.",
        )
        return redirect("bookings:detail", booking.pk)
    if booking.seeker.user_id == request.user.pk and booking.seeker.intake_completed_at is None:
        messages.info(request, "Before your first session, please answer a few short questions.")
        return redirect(reverse("seekers:intake") + f"?next={reverse('bookings:join', args=[booking.pk])}")
    return HttpResponseRedirect(booking.video_url)


@require_GET
@participant_required
def booking_ics_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = request.booking
    if not booking_actions(booking, request.user, timezone.now()).room:  # the invite carries the video link
        raise Http404
    for_supporter = booking.supporter.user_id == request.user.pk
    response = HttpResponse(booking_ics(booking, for_supporter=for_supporter), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="peersnet-session-{booking.pk}.ics"'
    return response


@require_POST
@seeker_required
def booking_withdraw_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = get_object_or_404(selectors.booking_list_for_seeker(user=request.user), pk=booking_id)
    return _one_click(
        request,
        lambda: services.booking_withdraw(booking_id=booking.pk, seeker=request.seeker),
        done="Your request is withdrawn. Nothing was charged.",
        back=reverse("bookings:detail", args=[booking.pk]),
    )


@require_http_methods(["GET", "POST"])
@seeker_required
def booking_cancel_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    """GET: which case applies (free or late) and the exact deadline in the seeker's zone. POST: cancel."""
    booking = get_object_or_404(selectors.booking_list_for_seeker(user=request.user), pk=booking_id)
    if request.method == "POST":
        try:
            services.booking_cancel_by_seeker(booking_id=booking.pk, seeker=request.seeker)
        except services.BookingError as exc:
            messages.error(request, exc.message)
        else:
            booking.refresh_from_db()
            messages.success(request, f"Your session is cancelled. {money_sentence(booking)}")
        return redirect_page(request, "bookings:detail", booking.pk)
    actions = booking_actions(booking, request.user, timezone.now())
    return render(
        request,
        "bookings/cancel.html",
        {
            "title": "Cancel your session",
            "booking": booking,
            "actions": actions,
            "free_until": free_cancellation_deadline(booking),
            "late_outcome": late_cancel_outcome(booking),
            "cancel_label": cancel_button_label(booking, free=actions.cancel_is_free),
        },
    )


@require_http_methods(["GET", "POST"])
@seeker_required
def booking_reschedule_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = get_object_or_404(selectors.booking_list_for_seeker(user=request.user), pk=booking_id)
    now = timezone.now()
    # Only times that keep free cancellation are offered (bookings.policy.keeps_free_cancellation).
    choices = [
        slot
        for slot in selectors.slot_list_next_open(supporter=booking.supporter, limit=80, now=now)
        if keeps_free_cancellation(start=slot.start, at=now)
    ][:40]
    form = RescheduleForm(request.POST if request.method == "POST" else None, slots=choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_reschedule(
                booking_id=booking.pk, seeker=request.seeker, new_slot_id=form.cleaned_data["slot"]
            )
        except services.BookingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your session has its new time. We've emailed you both.")
            return redirect_page(request, "bookings:detail", booking.pk)
    return render(
        request,
        "bookings/reschedule.html",
        {
            "title": "Move your session",
            "booking": booking,
            "form": form,
            "allowed": booking_actions(booking, request.user, timezone.now()).reschedule,
            "free_until": free_cancellation_deadline(booking),
        },
    )


@require_POST
@seeker_required
def booking_report_absent_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = get_object_or_404(selectors.booking_list_for_seeker(user=request.user), pk=booking_id)
    return _one_click(
        request,
        lambda: services.booking_report_supporter_absent(booking_id=booking.pk, seeker=request.seeker),
        done="Thank you for telling us. Our team will look into it and get back to you.",
        back=reverse("bookings:detail", args=[booking.pk]),
    )


# --- Supporter side ------------------------------------------------------------------------------


@require_GET
@supporter_required
def supporter_dashboard_view(request: HttpRequest) -> HttpResponse:
    requests, upcoming, past = selectors.booking_list_for_supporter_dashboard(supporter=request.supporter)
    return render(
        request,
        "bookings/supporter_dashboard.html",
        {"title": "Your sessions", "requests": requests, "upcoming": upcoming, "past": past},
    )


@require_POST
@supporter_required
def booking_accept_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    def accept() -> None:
        # The service reads the booking once, locked and only among this supporter's own: anyone else's
        # (or none) is a 404, as on every booking URL.
        try:
            services.booking_accept(booking_id=booking_id, supporter=request.supporter)
        except services.BookingError as exc:
            if exc.code == "not_found":
                raise Http404("No such session.") from None
            raise

    return _one_click(
        request,
        accept,
        done="Accepted. We're taking the payment; the seeker then gets the video link.",
        back=reverse("bookings:supporter_dashboard"),
    )


def _supporter_answer_with_reason(
    request: HttpRequest,
    booking_id: int,
    *,
    service,
    template: str,
    title: str,
    done: str,
    form_class: type[DeclineForm] = DeclineForm,
) -> HttpResponse:
    """Decline a request or cancel a session: the supporter's own booking (else 404), an optional private
    reason, the service, then back to the dashboard."""
    booking = get_object_or_404(selectors.booking_list_for_supporter(user=request.user), pk=booking_id)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            service(booking_id=booking.pk, supporter=request.supporter, **form.cleaned_data)
        except services.BookingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect_page(request, "bookings:supporter_dashboard")
    return render(request, template, {"title": title, "booking": booking, "form": form})


@require_http_methods(["GET", "POST"])
@supporter_required
def booking_decline_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _supporter_answer_with_reason(
        request,
        booking_id,
        service=services.booking_decline,
        form_class=DeclineRequestForm,
        template="bookings/decline.html",
        title="Decline a request",
        done="Declined. The seeker will be pointed to other times.",
    )


@require_http_methods(["GET", "POST"])
@supporter_required
def booking_supporter_cancel_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _supporter_answer_with_reason(
        request,
        booking_id,
        service=services.booking_cancel_by_supporter,
        template="bookings/supporter_cancel.html",
        title="Cancel a session",
        done="Cancelled. The seeker won't pay and is asked to rebook.",
    )


@require_POST
@supporter_required
def booking_no_show_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = get_object_or_404(selectors.booking_list_for_supporter(user=request.user), pk=booking_id)
    return _one_click(
        request,
        lambda: services.booking_mark_seeker_no_show(booking_id=booking.pk, supporter=request.supporter),
        done="Marked as a no-show.",
        back=reverse("bookings:detail", args=[booking.pk]),
    )


@require_http_methods(["GET", "POST"])
@supporter_required
def leave_sessions_view(request: HttpRequest) -> HttpResponse:
    """Sessions inside the supporter's leave, and one button to cancel them all (free for seekers)."""
    if request.method == "POST":
        cancelled = services.bookings_cancel_inside_leave(supporter=request.supporter)
        messages.success(request, f"{cancelled} session(s) cancelled. Each seeker is told and pays nothing.")
        return redirect_page(request, "bookings:leave_sessions")
    bookings = selectors.booking_list_inside_leave(supporter=request.supporter)
    return render(
        request, "bookings/leave_sessions.html", {"title": "Sessions during your leave", "bookings": bookings}
    )
