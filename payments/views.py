"""Card on file, paying an accepted session, and Stripe's webhook. Amounts never come from the browser."""

import logging
import re
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from bookings.models import Booking
from seekers.decorators import seeker_required

from . import gateway, services
from .models import Payment

logger = logging.getLogger(__name__)


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return default


def _stripe_page(response: HttpResponse) -> HttpResponse:
    """Only the pages with the card form may load and talk to Stripe.js (django-csp per-response update)."""
    origin = "/".join(settings.STRIPE_JS_URL.split("/")[:3])
    response._csp_update = {"script-src": [origin], "connect-src": [origin]}
    response._csp_replace = {"frame-src": [origin]}
    return response


def _stripe_context() -> dict:
    return {
        "STRIPE_JS_URL": settings.STRIPE_JS_URL,
        "STRIPE_PUBLISHABLE_KEY": settings.STRIPE_PUBLISHABLE_KEY,
    }


@require_http_methods(["GET", "POST"])
@seeker_required
def card_view(request: HttpRequest) -> HttpResponse:
    """Save or replace the card. GET prepares a SetupIntent for Stripe.js; POST records its result."""
    next_url = _safe_next(request, reverse("bookings:portal"))
    if request.method == "POST":
        setup_intent_id = request.POST.get("setup_intent", "").strip()
        if not setup_intent_id.startswith("seti_"):
            messages.error(request, "Your card couldn't be saved. Please try again.")
            return redirect(f"{reverse('payments:card')}?next={quote(next_url)}")
        try:
            card = services.card_setup_complete(seeker=request.seeker, setup_intent_id=setup_intent_id)
        except services.PaymentError as exc:
            messages.error(request, exc.message)
            return redirect(f"{reverse('payments:card')}?next={quote(next_url)}")
        except (gateway.GatewayUnavailable, gateway.GatewayRefused):
            messages.error(request, "We couldn't reach our payment provider. Please try again in a minute.")
            return redirect(f"{reverse('payments:card')}?next={quote(next_url)}")
        messages.success(request, f"Card saved: {card.card_brand.title()} ending {card.card_last4}.")
        return redirect(next_url)
    try:
        client_secret = services.card_setup_start(seeker=request.seeker)
    except (gateway.GatewayUnavailable, gateway.GatewayRefused):
        client_secret = ""
    return _stripe_page(
        render(
            request,
            "payments/card.html",
            {
                "title": "Your card",
                "card": services.seeker_card(seeker=request.seeker),
                "client_secret": client_secret,
                "next": next_url,
                **_stripe_context(),
            },
        )
    )


@require_http_methods(["GET", "POST"])
@seeker_required
def pay_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Pay an accepted session whose automatic charge failed. POST tries the saved card on-session; if the
    bank wants 3-D Secure, the page hands the intent to Stripe.js and then posts to check_view."""
    booking = get_object_or_404(
        Booking.objects.for_seeker(request.user).select_related("supporter"), pk=booking_id
    )
    card = services.seeker_card(seeker=request.seeker)
    context = {"title": "Pay for your session", "booking": booking, "card": card, **_stripe_context()}
    if request.method == "POST" and booking.status == Booking.Status.PAYMENT_PENDING:
        try:
            payment, intent = services.payment_pay_on_session(booking_id=booking.pk, seeker=request.seeker)
        except services.PaymentError as exc:
            messages.error(request, exc.message)
            return redirect("payments:pay", booking.pk)
        except gateway.GatewayUnavailable:
            messages.error(
                request, "We couldn't reach our payment provider. Nothing was charged; please try again."
            )
            return redirect("payments:pay", booking.pk)
        if payment.status == Payment.Status.SUCCEEDED:
            messages.success(request, "Paid. Your session is confirmed.")
            return redirect("bookings:detail", booking.pk)
        if payment.status == Payment.Status.REQUIRES_ACTION and intent.client_secret:
            context.update({"action_secret": intent.client_secret, "payment": payment})
            return _stripe_page(render(request, "payments/pay.html", context))
        messages.error(request, payment.failure_message or "Your card was declined. Please use another card.")
        return redirect("payments:pay", booking.pk)
    return _stripe_page(render(request, "payments/pay.html", context))


@require_POST
@seeker_required
def check_view(request: HttpRequest, booking_id: int) -> HttpResponse:
    """After Stripe.js finished 3-D Secure: ask Stripe (never the browser) whether it was paid."""
    booking = get_object_or_404(Booking.objects.for_seeker(request.user), pk=booking_id)
    payment_id = request.POST.get("payment", "")
    payment = get_object_or_404(
        Payment.objects.filter(booking=booking, seeker=request.seeker),
        pk=payment_id if re.fullmatch(r"[0-9]{1,18}", payment_id) else 0,
    )
    try:
        payment = services.payment_check(payment_id=payment.pk, seeker=request.seeker)
    except gateway.GatewayUnavailable:
        messages.info(request, "We're still confirming your payment. Refresh in a minute.")
        return redirect("bookings:detail", booking.pk)
    if payment.status == Payment.Status.SUCCEEDED:
        messages.success(request, "Paid. Your session is confirmed.")
        return redirect("bookings:detail", booking.pk)
    messages.error(request, "The payment wasn't completed. Please try again or use another card.")
    return redirect("payments:pay", booking.pk)


@csrf_exempt
@require_POST
def webhook_view(request: HttpRequest) -> HttpResponse:
    """Stripe's events: verified on the raw body, stored once by id, processed once."""
    signature = request.headers.get("Stripe-Signature", "")
    if not signature or not settings.STRIPE_WEBHOOK_SECRET:
        return HttpResponseBadRequest("missing signature")
    try:
        services.webhook_receive(payload=request.body, signature=signature)
    except gateway.BadSignature:
        return HttpResponseBadRequest("bad signature")
    except gateway.GatewayUnavailable:
        # Stored but not processed: Stripe retries the delivery, and we process it then.
        return HttpResponse("stored; will process on retry", status=503)
    return HttpResponse("ok")
