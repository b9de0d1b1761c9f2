"""The access log in the admin (supervisors and superusers, read-only for everyone), and the admin base
class that logs staff reads and changes of sensitive records."""

from __future__ import annotations

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from . import access
from .models import AccessLog


class SensitiveRecordAdmin(admin.ModelAdmin):
    """A ModelAdmin whose change page shows a sensitive record. Each time the page is shown (GET, or a
    form sent back with errors) it writes one READ row to the access log; each save by staff writes one
    CHANGE row with the before and after of plain fields (encrypted fields only say "changed").

    Subclasses say what to call the record in the log (no personal data), which fields are secret (their
    text never goes in the log, encrypted or not) and, if only some records on this page are sensitive,
    which ones."""

    secret_fields: tuple[str, ...] = ()

    def sensitive_record_label(self, obj: models.Model) -> str:
        return f"{obj._meta.verbose_name.capitalize()} {obj.pk}"

    def shows_sensitive_data(self, request: HttpRequest, obj: models.Model) -> bool:
        """Does the change page of ``obj`` show something sensitive? Every record, by default."""
        return True

    def changes_for_log(self, before, after) -> dict:
        """access.changed_fields, with the secret fields only marked "changed" (also before they are
        encrypted)."""
        changes = access.changed_fields(before, after)
        return {name: "changed" if name in self.secret_fields else value for name, value in changes.items()}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        context = getattr(response, "context_data", None) or {}
        obj = context.get("original")
        if response.status_code == 200 and obj is not None and self.shows_sensitive_data(request, obj):
            access.record_read(request=request, obj=obj, record=self.sensitive_record_label(obj))
        return response

    def save_model(self, request, obj, form, change):
        before = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change:
                access.record_change(
                    request=request,
                    obj=obj,
                    record=self.sensitive_record_label(obj),
                    changes=self.changes_for_log(before, obj),
                )

    def delete_model(self, request, obj):
        label, pk = self.sensitive_record_label(obj), obj.pk
        with transaction.atomic():
            super().delete_model(request, obj)
            obj.pk = pk  # the log keeps which record it was
            access.record_change(request=request, obj=obj, record=label, changes={"record": "deleted"})

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ActorFilter(admin.RelatedOnlyFieldListFilter):
    """Only the people who appear in the log, by email."""

    def field_choices(self, field, request, model_admin):
        ids = model_admin.get_queryset(request).values_list("actor_id", flat=True).distinct()
        return [
            (user.pk, user.email) for user in field.related_model.objects.filter(pk__in=ids).order_by("email")
        ]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Who read or changed which sensitive record, when, from which page. Nobody can add, change or delete
    a row here, superusers included; the model and (on PostgreSQL) the database refuse it too.

    A record's whole history: its row's "all access to this record" link, or
    ``?content_type__id__exact=<type>&object_id=<id>``."""

    list_display = ["at", "actor_email", "kind", "record", "record_history", "page"]
    list_filter = [("actor", ActorFilter), ("content_type", admin.RelatedOnlyFieldListFilter), "kind"]
    search_fields = ["record", "=object_id"]
    date_hierarchy = "at"
    list_select_related = ["actor", "content_type"]
    fields = ["at", "actor_email", "kind", "content_type", "object_id", "record", "page", "changes"]
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description="person", ordering="actor__email")
    def actor_email(self, obj: AccessLog) -> str:
        return obj.actor.email

    @admin.display(description="history")
    def record_history(self, obj: AccessLog) -> str:
        url = reverse("admin:privacy_accesslog_changelist")
        return format_html(
            '<a href="{}?content_type__id__exact={}&amp;object_id={}">all access to this record</a>',
            url,
            obj.content_type_id,
            obj.object_id,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
