"""Safety in the admin.

- Mandatory reports, their addenda and reviews are read-only for everyone, superusers included
  (append-only: no add, change or delete here; reports are filed and reviewed on the site); every open
  of one is access-logged.
- Duty shifts (the backup rota) are kept by operations.
- Crisis flags are read-only for supervisors (and superusers); every open is access-logged, and
  acknowledging and closing happen on the flag's own page (safety:flag)."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from peersnet.kernel.ids import ADMIN_ID_FIELD_OVERRIDES
from privacy.admin import SensitiveRecordAdmin

from .models import BackupRequest, CrisisFlag, DutyShift, MandatoryReport, ReportAddendum, ReportReview


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReportAddendumInline(_ReadOnly, admin.TabularInline):
    model = ReportAddendum
    fields = readonly_fields = ["at", "by", "text"]
    extra = 0


class ReportReviewInline(_ReadOnly, admin.TabularInline):
    model = ReportReview
    fields = readonly_fields = ["at", "kind", "by", "agency_name", "reference", "reported_at", "reason"]
    extra = 0


@admin.register(MandatoryReport)
class MandatoryReportAdmin(_ReadOnly, SensitiveRecordAdmin):
    list_display = ["__str__", "concern_type", "supporter", "filed_at"]
    list_filter = ["concern_type"]
    list_select_related = ["supporter"]
    date_hierarchy = "filed_at"
    fields = readonly_fields = [
        "booking",
        "supporter",
        "concern_type",
        "filed_at",
        "disclosed",
        "steps_taken",
    ]
    inlines = [ReportAddendumInline, ReportReviewInline]
    secret_fields = ("disclosed", "steps_taken")
    show_full_result_count = False


@admin.register(BackupRequest)
class BackupRequestAdmin(_ReadOnly, SensitiveRecordAdmin):
    list_display = ["__str__", "supporter", "booking", "requested_at", "acknowledged_by", "acknowledged_at"]
    list_select_related = ["supporter", "acknowledged_by"]
    date_hierarchy = "requested_at"
    fields = readonly_fields = [
        "booking",
        "supporter",
        "requested_at",
        "note",
        "acknowledged_by",
        "acknowledged_at",
    ]
    secret_fields = ("note",)


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    """Who is on duty for backup requests when. Outside every shift, all supervisors are paged."""

    list_display = ["supervisor", "starts_at", "ends_at"]
    list_select_related = ["supervisor"]
    date_hierarchy = "starts_at"
    formfield_overrides = ADMIN_ID_FIELD_OVERRIDES

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # One labelled date-and-time input (in the staff member's zone) instead of the admin's split pair,
        # whose two inputs share one label.
        if db_field.name in ("starts_at", "ends_at"):
            return forms.DateTimeField(
                label=db_field.verbose_name.capitalize(),
                input_formats=["%Y-%m-%dT%H:%M"],
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                help_text="In your time zone.",
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


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


from . import admin_plans  # noqa: E402, F401  (safety plans, in their own module)
