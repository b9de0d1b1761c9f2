"""Admin pages for the training schedule: cohorts and their live sessions (trainers edit them, operations
and supervisors read them). Enrolment, attendance, hours, practice review and completion are the staff
pages under /staff/training/, which call the services."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .. import pay_admin  # noqa: F401  (the pay and supervision admin, in its own module)
from ..models import Cohort, LiveSession
from ..models.training import default_end


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = (
            "name",
            "year",
            "quarter",
            "applications_open",
            "registration_start",
            "kickoff",
            "end",
            "total_hours_required",
            "practice_hours_required",
            "capacity",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "end" in self.fields:
            self.fields["end"].required = False

    def clean(self):
        data = super().clean()
        if not data.get("end") and data.get("kickoff"):
            data["end"] = default_end(data["kickoff"])
        return data


class LiveSessionInline(admin.TabularInline):
    model = LiveSession
    extra = 1
    fields = ("start", "duration_minutes", "topic")


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    form = CohortForm
    list_display = (
        "name",
        "applications_open",
        "registration_start",
        "kickoff",
        "end",
        "capacity",
        "staff_page",
    )
    list_filter = ("year", "quarter")
    search_fields = ("name",)
    inlines = [LiveSessionInline]

    @admin.display(description="Roster")
    def staff_page(self, obj: Cohort) -> str:
        return format_html(
            '<a href="{}">Open the roster</a>', reverse("workforce:staff_cohort", args=[obj.pk])
        )
