from django.contrib import admin, messages
from django.db import transaction

from . import services
from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox. Read-only: staff can see what was sent and what failed, never edit an email; a failed
    email can be sent again ("Resend")."""

    list_display = ["key", "to", "subject", "status", "attempts", "created_at", "next_attempt_at", "sent_at"]
    actions = ["resend"]
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

    @admin.action(description="Resend the selected failed emails", permissions=["view"])
    def resend(self, request, queryset):
        """Each failed email back to pending with a fresh retry budget, sent after commit. One whose
        one-time link was erased, or that has not failed, is skipped with the reason."""
        resent, refused = 0, []
        for notification_id in queryset.order_by("pk").values_list("pk", flat=True):
            try:
                with transaction.atomic():
                    services.notification_resend(notification_id=notification_id)
            except services.NotificationError as exc:
                refused.append(exc.message)
            else:
                resent += 1
        if resent:
            self.message_user(
                request, f"{resent} email{'s' if resent != 1 else ''} will be sent again.", messages.SUCCESS
            )
        for message in refused:
            self.message_user(request, message, messages.WARNING)
