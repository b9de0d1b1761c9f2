from django.contrib import admin
from django.template.response import TemplateResponse

from .models import Heartbeat
from .selectors import health_report


@admin.register(Heartbeat)
class SystemHealthAdmin(admin.ModelAdmin):
    """The component report for staff, with a sentence per component and its thresholds. Read-only."""

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            return super().changelist_view(request, extra_context)  # Django's own 403
        context = {
            **self.admin_site.each_context(request),
            "title": "System health",
            "opts": self.model._meta,
            "report": health_report(),
        }
        return TemplateResponse(request, "admin/health/report.html", context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
