from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PeersnetConfig(AppConfig):
    default = True
    name = "peersnet"

    def ready(self) -> None:
        from django.urls import register_converter

        from . import checks  # noqa: F401  registers the deployment checks
        from .kernel.ids import IdConverter

        # <id:…> in URL patterns: a row id within the bigint range, else a 404 (never a database error).
        register_converter(IdConverter, "id")


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site class (allauth login, MFA required for staff)."""

    default = False
    default_site = "accounts.admin_site.PeersnetAdminSite"
