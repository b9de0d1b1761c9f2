"""Card on file and Stripe's webhook. (A session's pay page is bookings', a gift's is giftcards'.)"""

import logging
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from peersnet.kernel.errors import RETRY_AFTER_SECONDS
from seekers.decorators import seeker_required

from . import gateway, services
from .pages import stripe_context, stripe_page

logger = logging.getLogger(__name__)


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return default


@require_http_methods(["GET", "POST"])
@seeker_required
def card_view(request: HttpRequest) -> HttpResponse:
    """Save or replace the card. GET renders from our own rows only (the saved card's brand and last four
    digits), never asking Stripe: many people load it, and a slow Stripe must not hold the web workers.
    The card script asks card_setup_view for a SetupIntent when the person submits a card; POST records
    the SetupIntent's result."""
    next_url = _safe_next(request, reverse("bookings:portal"))
    # Where Cancel goes: the page before the step that sent them here (a supporter's profile), never
    # ``next`` when ``next`` would send them straight back to this card page.
    back = request.GET.get("back", "")
    back_url = back if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) else next_url
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
    return stripe_page(
        render(
            request,
            "payments/card.html",
            {
                "title": "Your card",
                "card": services.seeker_card(seeker=request.seeker),
                "next": next_url,
                "back": back_url,
                **stripe_context(),
            },
        )
    )


@require_POST
@seeker_required
def card_setup_view(request: HttpRequest) -> JsonResponse:
    """Called by the card script when the person submits a card: a fresh SetupIntent's client secret for
    Stripe.js, as JSON. Stripe unreachable or slow: 503 with ``Retry-After`` and a message to show."""
    try:
        client_secret = services.card_setup_start(seeker=request.seeker)
    except (gateway.GatewayUnavailable, gateway.GatewayRefused):
        response = JsonResponse(
            {"error": "We can't reach our payment provider right now. Please try again in a few minutes."},
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"client_secret": client_secret})


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
