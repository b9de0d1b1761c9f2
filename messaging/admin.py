"""Staff see that conversations and reports exist, never what was written: message text, report reasons and
pause reasons are read on the supervisors' page (/supervisor/messages/), where every read is logged."""

from django.contrib import admin, messages
from django.utils import timezone

from privacy.roles import is_supervisor

from .models import Conversation, MessageReport


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["pk", "seeker", "supporter", "last_message_at", "awaiting_since", "paused_at"]
    list_filter = [("paused_at", admin.EmptyFieldListFilter), ("awaiting_since", admin.EmptyFieldListFilter)]
    list_select_related = ["seeker__user", "supporter"]
    search_fields = ["seeker__user__email", "supporter__user__email"]
    fields = [
        "seeker",
        "supporter",
        "created_at",
        "last_session_end",
        "last_message_at",
        "awaiting_since",
        "paused_at",
    ]
    readonly_fields = fields
    actions = ["lift_pause"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Lift the pause (both people can write again)")
    def lift_pause(self, request, queryset):
        if not is_supervisor(request.user):
            messages.error(request, "Only supervisors can lift a pause.")
            return
        count = queryset.filter(paused_at__isnull=False).update(paused_at=None, paused_reason=None)
        messages.success(request, f"{count} conversation(s) can be written in again.")


@admin.register(MessageReport)
class MessageReportAdmin(admin.ModelAdmin):
    list_display = ["pk", "message", "reporter", "created_at", "handled_at"]
    list_filter = [("handled_at", admin.EmptyFieldListFilter)]
    list_select_related = ["reporter", "message"]
    fields = ["message", "reporter", "created_at", "handled_at"]
    readonly_fields = fields
    actions = ["mark_handled"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Mark as handled")
    def mark_handled(self, request, queryset):
        if not is_supervisor(request.user):
            messages.error(request, "Only supervisors can close a report.")
            return
        count = queryset.filter(handled_at__isnull=True).update(handled_at=timezone.now())
        messages.success(request, f"{count} report(s) marked as handled.")
