from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox. Read-only: staff can see what was sent and what failed, never edit an email."""

    list_display = ["key", "to", "subject", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["key", "to"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Notification._meta.fields]
    exclude = ["body_html"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.carries_secret:
            # A pending sign-up or password-reset link is for its recipient only, staff included.
            fields = [f for f in fields if f not in ("body_text", "body_html")]
        return fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
