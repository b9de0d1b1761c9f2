"""For the pages that hold a card form (the card page, a session's pay page, a gift's pay page): only
they may load and talk to Stripe.js (django-csp per-response update)."""

from django.conf import settings
from django.http import HttpResponse


def stripe_page(response: HttpResponse) -> HttpResponse:
    """Allow Stripe.js's origin on this one response."""
    origin = "/".join(settings.STRIPE_JS_URL.split("/")[:3])
    response._csp_update = {"script-src": [origin], "connect-src": [origin]}
    response._csp_replace = {"frame-src": [origin]}
    return response


def stripe_context() -> dict:
    """What the card form's template needs to load Stripe.js."""
    return {
        "STRIPE_JS_URL": settings.STRIPE_JS_URL,
        "STRIPE_PUBLISHABLE_KEY": settings.STRIPE_PUBLISHABLE_KEY,
    }
