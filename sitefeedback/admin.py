"""Staff read site feedback, tag it, mark it handled and export it as CSV."""

import csv
import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import FeedbackTag, SiteFeedback

CSV_COLUMNS = ["id", "received (UTC)", "what", "email", "signed in", "tags", "handled"]


def csv_safe(value: str) -> str:
    """A cell a spreadsheet won't run as a formula (text people wrote can start with =, +, - or @)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@admin.register(FeedbackTag)
class FeedbackTagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(SiteFeedback)
class SiteFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "short_what", "email", "tag_list", "handled"]
    list_filter = ["handled", "tags", "created_at"]
    search_fields = ["what", "email"]
    fields = ["created_at", "what", "email", "user", "tags", "handled"]
    readonly_fields = ["created_at", "what", "email", "user"]
    # Plain checkboxes: Django's two-box filter widget fails axe (aria-label on a span), and tags are few.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    date_hierarchy = "created_at"
    actions = ["export_csv", "mark_handled"]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("tags")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # it comes only from the footer's form

    @admin.display(description="what")
    def short_what(self, obj: SiteFeedback) -> str:
        return obj.what if len(obj.what) <= 80 else obj.what[:79] + "…"

    @admin.display(description="tags")
    def tag_list(self, obj: SiteFeedback) -> str:
        return ", ".join(tag.name for tag in obj.tags.all())

    @admin.action(description="Export the selected feedback as CSV")
    def export_csv(self, request: HttpRequest, queryset) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="site-feedback-{timezone.now():%Y-%m-%d}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for item in queryset.order_by("created_at").prefetch_related("tags"):
            writer.writerow(
                [
                    item.pk,
                    item.created_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M"),
                    csv_safe(item.what),
                    csv_safe(item.email),
                    "yes" if item.user_id else "no",
                    csv_safe(", ".join(tag.name for tag in item.tags.all())),
                    "yes" if item.handled else "no",
                ]
            )
        return response

    @admin.action(description="Mark the selected feedback as handled")
    def mark_handled(self, request: HttpRequest, queryset) -> None:
        count = queryset.update(handled=True)
        messages.success(request, f"Marked {count} as handled.")
