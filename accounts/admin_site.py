"""The staff admin: signed in through allauth, and only with multi-factor authentication set up."""

from urllib.parse import urlencode

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def staff_has_mfa(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff and is_mfa_enabled(user))


class PeersnetAdminSite(admin.AdminSite):
    site_header = "peersnet staff"
    site_title = "peersnet staff"
    index_title = "Operations"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and staff_has_mfa(request.user)

    def login(self, request: HttpRequest, extra_context=None):
        """No admin login form: allauth's login (with its rate limits and MFA step) is the only way in."""
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return HttpResponseRedirect(f"{resolve_url('account_login')}?{urlencode({'next': next_url})}")
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if not is_mfa_enabled(user):
            messages.warning(
                request,
                "Staff need two-factor authentication. Set up an authenticator app to open the admin.",
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return HttpResponseRedirect(next_url)
