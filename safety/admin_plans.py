"""Safety plans in the admin: read-only, for supervisors (and superusers). The list shows that a plan
and its versions exist; a version's page shows its contents, and each time it is shown the access log
records who read it (privacy.admin.SensitiveRecordAdmin). Nobody adds, changes or deletes here: plans are
written by the seeker and their supporters on the site, and every save is a new version."""

from django.contrib import admin
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html_join

from privacy.admin import SensitiveRecordAdmin

from .models import SafetyPlan, SafetyPlanVersion
from .models.plans import PLAN_SECTIONS


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SafetyPlan)
class SafetyPlanAdmin(ReadOnlyAdmin):
    list_display = ["pk", "seeker", "version", "updated_at"]
    list_select_related = ["seeker__user"]
    search_fields = ["seeker__user__email"]
    fields = ["seeker", "version", "created_at", "updated_at"]
    readonly_fields = fields


@admin.register(SafetyPlanVersion)
class SafetyPlanVersionAdmin(ReadOnlyAdmin, SensitiveRecordAdmin):
    list_display = ["pk", "plan", "number", "author_role", "author_name", "created_at"]
    list_filter = ["author_role"]
    list_select_related = ["plan"]
    fields = ["plan", "number", "author_role", "author_name", "created_at", "plan_text"]
    readonly_fields = fields

    def sensitive_record_label(self, obj: SafetyPlanVersion) -> str:
        return f"Safety plan {obj.plan_id} version {obj.number}"

    @admin.display(description="plan")
    def plan_text(self, obj: SafetyPlanVersion):
        texts = obj.sections
        return format_html_join(
            "",
            "<p><strong>{}</strong><br>{}</p>",
            ((heading, linebreaksbr(texts[key] or "(nothing)")) for key, heading, _help in PLAN_SECTIONS),
        )
