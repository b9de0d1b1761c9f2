"""Crisis flags in the admin: read-only for supervisors (and superusers); every open of a flag's page is
written in the access log. Acknowledging and closing happen on the flag's own page (safety:flag)."""

from django.contrib import admin

from privacy.admin import SensitiveRecordAdmin

from .models import CrisisFlag


@admin.register(CrisisFlag)
class CrisisFlagAdmin(SensitiveRecordAdmin):
    list_display = [
        "id",
        "source",
        "opened_at",
        "due_at",
        "acknowledged_at",
        "escalated_at",
        "closed_at",
        "outcome",
    ]
    list_filter = ["source", "outcome", ("closed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["acknowledged_by"]
    date_hierarchy = "opened_at"
    secret_fields = ("matched_words", "outcome_reason")
    fields = [
        "source",
        "seeker",
        "conversation",
        "matched_words",
        "match_count",
        "opened_at",
        "last_matched_at",
        "due_at",
        "acknowledged_by",
        "acknowledged_at",
        "escalated_at",
        "closed_by",
        "closed_at",
        "outcome",
        "outcome_reason",
    ]
    readonly_fields = fields

    def sensitive_record_label(self, obj: CrisisFlag) -> str:
        return f"Crisis flag {obj.pk}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
