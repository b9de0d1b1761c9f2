"""Buying a gift (no account needed), the buyer's status page, claiming, and the recipient's credits.

The price is never read from the browser. Pages of an unpaid gift belong to the browser session that
started it. URLs with a token answer every bad token alike, are rate-limited per IP, and send
``Referrer-Policy: no-referrer`` and no-store; the claim link swaps its token into the session and
redirects to a URL without it, where the claim form is.
"""

import logging
import uuid

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.pending import pending_forget, pending_remember
from payments import gateway
from payments.pages import stripe_context, stripe_page
from peersnet.errors import DomainError
from peersnet.kernel.ratelimit import RateLimit
from seekers.decorators import seeker_required
from seekers.selectors import seeker_email_verified, seeker_for_user

from . import selectors, services
from .forms import GiftBuyForm
from .models import Gift

logger = logging.getLogger(__name__)

HOUR = 60 * 60
BUY_LIMIT = 20  # purchase form posts per IP per hour
PAY_LIMIT = 20  # card submissions per IP per hour
LINK_LIMIT = 20  # claim or status links opened per IP per hour
SESSION_CHECKOUTS = "gift_checkouts"
SESSION_CLAIM = "gift_claim"  # the claim token's hash: the raw token is stored nowhere, sessions included
UNREACHABLE = "We couldn't reach our payment provider. Nothing was charged. Please try again in a minute."


# --- helpers ---------------------------------------------------------------------------------------


def _over_limit(request: HttpRequest, scope: str, limit: int, period: int = HOUR) -> bool:
    """Count one hit for this IP (Redis in production, shared by every process)."""
    ip = get_adapter().get_client_ip(request) or "unknown"
    return RateLimit(f"giftcards:{scope}", limit, period).hit(ip)


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "giftcards/rate_limited.html", {"title": "Please wait a little"}, status=429)
    response["Retry-After"] = str(HOUR)
    return response


def _private(response: HttpResponse) -> HttpResponse:
    """Pages reached with a secret link: never sent on as a referrer, never cached."""
    response["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)
    return response


def _link_invalid(request: HttpRequest) -> HttpResponse:
    return _private(
        render(request, "giftcards/link_invalid.html", {"title": "This gift link isn't valid"}, status=404)
    )


def _stripe_page(response: HttpResponse) -> HttpResponse:
    """Only pages with the card form may load and talk to Stripe.js; a gift's pay page is never cached."""
    add_never_cache_headers(response)
    return stripe_page(response)


def _remember_checkout(request: HttpRequest, gift: Gift) -> None:
    ids = [i for i in request.session.get(SESSION_CHECKOUTS, []) if i != str(gift.public_id)]
    request.session[SESSION_CHECKOUTS] = [*ids[-9:], str(gift.public_id)]


def _checkout_gift(request: HttpRequest, public_id: uuid.UUID) -> Gift:
    """A gift this browser started buying; anything else is a 404."""
    if str(public_id) not in request.session.get(SESSION_CHECKOUTS, []):
        raise Http404
    gift = selectors.gift_get_by_public_id(public_id=public_id)
    if gift is None:
        raise Http404
    return gift


# --- buying ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def buy_view(request: HttpRequest) -> HttpResponse:
    """The "Gift a session" form. A valid post makes an unpaid gift and goes on to the card."""
    prices = selectors.gift_price_list()
    form = GiftBuyForm(
        request.POST if request.method == "POST" else None, today=timezone.localdate(), prices=prices
    )
    if request.method == "POST":
        if _over_limit(request, "buy", BUY_LIMIT):
            return _too_many(request)
        if form.is_valid():
            try:
                gift = services.gift_create(**form.cleaned_data, buyer_time_zone=request.timezone_name)
            except services.GiftError as exc:
                form.add_error(None, exc.message)
            else:
                _remember_checkout(request, gift)
                return redirect("giftcards:pay", gift.public_id)
    return render(request, "giftcards/buy.html", {"title": "Gift a session", "form": form, "prices": prices})


def _pay_page(request: HttpRequest, gift: Gift, **extra) -> HttpResponse:
    context = {
        "title": "Pay for your gift",
        "gift": gift,
        **stripe_context(),
        **extra,
    }
    return _stripe_page(render(request, "giftcards/pay.html", context))


@require_http_methods(["GET", "POST"])
def pay_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """GET: the card element (a fresh SetupIntent). POST: the SetupIntent the browser confirmed; the
    server charges the gift's amount with that card."""
    gift = _checkout_gift(request, public_id)
    if gift.status != Gift.Status.PENDING_PAYMENT:
        return redirect("giftcards:thanks", gift.public_id)
    if request.method == "POST":
        if _over_limit(request, "pay", PAY_LIMIT):
            return _too_many(request)
        setup_intent_id = request.POST.get("setup_intent", "").strip()
        if not setup_intent_id.startswith("seti_"):
            messages.error(request, "Please enter your card details again.")
            return redirect("giftcards:pay", gift.public_id)
        try:
            result = services.gift_pay(gift_id=gift.pk, setup_intent_id=setup_intent_id)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("giftcards:pay", gift.public_id)
        except (gateway.GatewayUnavailable, gateway.GatewayRefused):
            messages.error(request, UNREACHABLE)
            return redirect("giftcards:pay", gift.public_id)
        return _after_attempt(request, result)
    try:
        client_secret = services.gift_checkout_start(gift_id=gift.pk)
    except services.GiftError:
        return redirect("giftcards:thanks", gift.public_id)
    except (gateway.GatewayUnavailable, gateway.GatewayRefused):
        client_secret = ""
    return _pay_page(request, gift, client_secret=client_secret)


def _after_attempt(request: HttpRequest, result: services.PayResult) -> HttpResponse:
    gift = result.gift
    if result.status == "paid":
        return redirect("giftcards:thanks", gift.public_id)
    if result.status == "requires_action":
        return _pay_page(request, gift, action_secret=result.client_secret)
    messages.error(request, result.message)
    return redirect("giftcards:pay", gift.public_id)


@require_POST
def check_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """After Stripe.js finished 3-D Secure: ask Stripe (never the browser) whether the gift is paid."""
    gift = _checkout_gift(request, public_id)
    try:
        result = services.gift_payment_check(gift_id=gift.pk)
    except (gateway.GatewayUnavailable, gateway.GatewayRefused):
        messages.error(request, "We couldn't confirm your payment yet. Please refresh in a minute.")
        return redirect("giftcards:pay", gift.public_id)
    return _after_attempt(request, result)


@require_GET
def thanks_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    gift = _checkout_gift(request, public_id)
    if gift.status == Gift.Status.PENDING_PAYMENT:
        return redirect("giftcards:pay", gift.public_id)
    response = render(request, "giftcards/thanks.html", {"title": "Thank you for your gift", "gift": gift})
    add_never_cache_headers(response)
    return response


# --- the buyer's status page ---------------------------------------------------------------------------


@require_GET
def status_view(request: HttpRequest, token: str) -> HttpResponse:
    """Delivered (or when it will be), claimed, all used. Nothing else, ever."""
    if _over_limit(request, "link", LINK_LIMIT):
        return _private(_too_many(request))
    gift = selectors.gift_get_by_status_token(token=token)
    if gift is None:
        return _link_invalid(request)
    view = selectors.gift_buyer_view(gift)
    return _private(render(request, "giftcards/status.html", {"title": "Your gift", "view": view}))


# --- claiming ------------------------------------------------------------------------------------------


@require_GET
def claim_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the gift email: keep the token's hash in the session, and go on to a URL without it."""
    if _over_limit(request, "link", LINK_LIMIT):
        return _private(_too_many(request))
    gift = selectors.gift_get_by_claim_token(token=token)
    if gift is None:
        request.session.pop(SESSION_CLAIM, None)
        return _link_invalid(request)
    request.session[SESSION_CLAIM] = gift.token_hash
    # Whichever way they sign up or log in (this page's button or the header's links), they come back to
    # the claim page, and sign-up suggests the address the gift was sent to.
    pending_remember(request, url=reverse("giftcards:claim"), email=gift.recipient_email)
    return _private(redirect("giftcards:claim"))


def _claim_context(request: HttpRequest, gift: Gift) -> dict:
    user = request.user
    seeker = seeker_for_user(user=user)
    here = reverse("giftcards:claim")
    return {
        "title": "A gift for you",
        "gift": gift,
        "seeker": seeker,
        "verified": bool(seeker) and seeker_email_verified(user=user),
        "signup_url": f"{reverse('account_signup')}?next={here}",
        "login_url": f"{reverse('account_login')}?next={here}",
    }


@require_http_methods(["GET", "POST"])
def claim_view(request: HttpRequest) -> HttpResponse:
    """GET: the gift (from, message, sessions) and the way to claim it. POST: a signed-in seeker claims."""
    hashed = request.session.get(SESSION_CLAIM)
    gift = selectors.gift_get_by_claim_token(token_hash=hashed)
    if gift is None:
        request.session.pop(SESSION_CLAIM, None)
        pending_forget(request)
        return _link_invalid(request)
    if request.method == "POST":
        return _claim_post(request, token_hash=hashed)
    # No token in this URL, so the site's usual referrer policy is kept: with "no-referrer" browsers send
    # "Origin: null" with the claim form, and CSRF protection (rightly) refuses it.
    response = render(request, "giftcards/claim.html", _claim_context(request, gift))
    add_never_cache_headers(response)
    return response


@seeker_required
def _claim_post(request: HttpRequest, *, token_hash: str) -> HttpResponse:
    try:
        gift = services.gift_claim(token_hash=token_hash, seeker=request.seeker)
    except services.GiftLinkInvalid:
        request.session.pop(SESSION_CLAIM, None)
        pending_forget(request)
        return _link_invalid(request)
    request.session.pop(SESSION_CLAIM, None)
    pending_forget(request)
    count = gift.sessions
    messages.success(
        request,
        f"The gift from {gift.from_name} is yours: {count} session{'s' if count != 1 else ''} "
        "ready to book, with no card needed.",
    )
    return redirect("giftcards:credits")


# --- the recipient's credits -------------------------------------------------------------------------------


@require_GET
@seeker_required
def credits_view(request: HttpRequest) -> HttpResponse:
    gifts = list(selectors.credit_gifts_for_seeker(seeker=request.seeker))
    return render(
        request,
        "giftcards/credits.html",
        {
            "title": "Your gift sessions",
            "gifts": gifts,
            "gift_credits": sum(g.n_available for g in gifts),
        },
    )
