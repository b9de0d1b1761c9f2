from django.contrib import admin

from privacy.admin import SensitiveRecordAdmin

from .models import Intake, SeekerProfile


@admin.register(SeekerProfile)
class SeekerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "intake_completed_at"]
    search_fields = ["user__email", "user__first_name"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]
    list_select_related = ["user", "intake"]


@admin.register(Intake)
class IntakeAdmin(SensitiveRecordAdmin):
    """Intake answers are private. The list shows only that an intake exists and when; its page shows the
    answers to those allowed to read them (supervisors, superusers), and every time it is shown the access
    log records who read it, when and from which page. Only superusers may correct an answer (at the
    seeker's request); each change is logged without the answers' text."""

    list_display = ["seeker", "completed_at", "updated_at"]
    fields = [
        "seeker",
        "preferred_name",
        "pronouns",
        "hopes",
        "emergency_contact_name",
        "emergency_contact_phone",
        "share_preferred_name",
        "share_pronouns",
        "share_hopes",
        "completed_at",
        "acknowledged_at",
        "updated_at",
    ]
    readonly_fields = ["seeker", "completed_at", "acknowledged_at", "updated_at"]
    secret_fields = (
        "preferred_name",
        "pronouns",
        "hopes",
        "emergency_contact_name",
        "emergency_contact_phone",
    )
    search_fields = ["seeker__user__email"]
    list_select_related = ["seeker__user"]

    def sensitive_record_label(self, obj: Intake) -> str:
        return f"Intake {obj.pk} of seeker {obj.seeker_id}"

    def has_add_permission(self, request):
        return False
