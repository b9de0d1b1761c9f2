"""The footer's "Share feedback" page: works signed out, rate limited per IP, spam-checked without a
third-party captcha (a honeypot field and a signed timestamp, sitefeedback.forms)."""

from allauth.account.adapter import get_adapter
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from peersnet.kernel.htmx import redirect_page
from peersnet.kernel.ratelimit import RateLimit

from . import services
from .forms import SiteFeedbackForm

# Posts per IP per hour (Redis in production, shared by every process; fails open without it).
LIMIT = RateLimit("sitefeedback:post", limit=5, period=60 * 60)


@require_http_methods(["GET", "POST"])
def feedback_view(request: HttpRequest) -> HttpResponse:
    form = SiteFeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        ip = get_adapter().get_client_ip(request) or "unknown"
        if LIMIT.hit(ip):
            response = render(
                request,
                "sitefeedback/form.html",
                {"title": "Please wait a little", "form": form, "limited": True},
                status=429,
            )
            response["Retry-After"] = str(LIMIT.period)
            return response
        if form.is_valid():
            if not form.is_spam:  # a filled honeypot is thanked like anyone, and dropped
                services.feedback_create(
                    what=form.cleaned_data["what"],
                    email=form.cleaned_data["email"],
                    user=request.user,
                )
            return redirect_page(request, "sitefeedback:thanks")
    return render(request, "sitefeedback/form.html", {"title": "Share feedback", "form": form})


def thanks_view(request: HttpRequest) -> HttpResponse:
    return render(request, "sitefeedback/thanks.html", {"title": "Thank you"})
