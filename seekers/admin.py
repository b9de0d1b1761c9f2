from django.contrib import admin

from .models import Intake, SeekerProfile


@admin.register(SeekerProfile)
class SeekerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "intake_completed_at"]
    search_fields = ["user__email", "user__first_name"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]
    list_select_related = ["user", "intake"]


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    """Intake answers are private. Staff can see that one exists and when; reading answers is a later,
    audit-logged feature (DESIGN §9), so the answers are not shown here."""

    list_display = ["seeker", "completed_at", "updated_at"]
    fields = ["seeker", "completed_at", "acknowledged_at", "updated_at"]
    readonly_fields = fields
    search_fields = ["seeker__user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
