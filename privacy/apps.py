from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, router
from django.db.models.signals import post_migrate

from .roles import sync_role_groups


def sync_roles_after_migrate(sender, *, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs):
    """After ``migrate`` (and a test flush), bring the role groups in line with privacy.roles.

    Django sends post_migrate once per app, in INSTALLED_APPS order, and creates each app's permissions
    in its own turn; so this runs on the last app's turn, when every permission exists."""
    last = [config for config in global_apps.get_app_configs() if config.models_module is not None][-1]
    if sender.label != last.label:
        return
    try:
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:  # migrated back to before auth: nothing to sync
        return
    if not router.allow_migrate_model(using, group_model):
        return
    sync_role_groups(group_model=group_model, permission_model=permission_model, using=using)


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from . import registry, services  # services import models: loaded once apps are ready

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="privacy.sync_roles_after_migrate")
        registry.register("account", exporter=services.export_account, order=0)
