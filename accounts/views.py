from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .forms import AccountForm
from .services import user_update_settings


@login_required
@require_http_methods(["GET", "POST"])
def account_home_view(request: HttpRequest) -> HttpResponse:
    """The account page: name and time zone here; email, password and MFA through allauth's pages."""
    form = AccountForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_settings(
            user=request.user,
            first_name=form.cleaned_data["first_name"],
            time_zone=form.cleaned_data["time_zone"],
        )
        messages.success(request, "Your details are saved.")
        return redirect("accounts:home")
    email_address = request.user.emailaddress_set.filter(primary=True).first()
    return render(
        request,
        "accounts/home.html",
        {
            "title": "My account",
            "form": form,
            "email_verified": bool(email_address and email_address.verified),
            "mfa_enabled": is_mfa_enabled(request.user),
        },
    )


@login_required
@require_GET
def welcome_view(request: HttpRequest) -> HttpResponse:
    """Where a new seeker lands once their email is confirmed: what to do next (find a supporter), not
    the settings form."""
    return render(request, "accounts/welcome.html", {"title": "Welcome to peersnet"})
