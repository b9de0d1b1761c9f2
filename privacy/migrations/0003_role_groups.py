"""The staff role groups (operations, supervisor, trainer) with the permissions privacy.roles gives them.

On a new database the permissions don't exist yet during migrations (Django creates them after), so this
creates the groups and the post_migrate sync (privacy.apps) fills them; on an existing database it does
both at once."""

from django.db import migrations

from privacy.roles import ROLES, sync_role_groups


def create_groups(apps, schema_editor):
    sync_role_groups(
        group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
        using=schema_editor.connection.alias,
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(
        name__in=ROLES
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("privacy", "0002_access_log_append_only_in_postgresql"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
