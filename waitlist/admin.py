"""Staff see who waits for whom and what was held for them; the list changes only through its services
(join, leave, holds), never by hand."""

from django.contrib import admin
from django.http import HttpRequest

from .models import WaitlistEntry, WaitlistOffer


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class OfferInline(admin.TabularInline):
    model = WaitlistOffer
    fields = ["slot", "offered_at", "expires_at", "status", "ended_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdmin):
    list_display = ["supporter", "seeker", "status", "describe", "created_at"]
    list_filter = ["status"]
    list_select_related = ["supporter", "seeker__user"]
    search_fields = ["supporter__display_name"]
    inlines = [OfferInline]

    @admin.display(description="days and hours (their zone)")
    def describe(self, obj: WaitlistEntry) -> str:
        return f"{obj.describe()} ({obj.time_zone})"


@admin.register(WaitlistOffer)
class WaitlistOfferAdmin(ReadOnlyAdmin):
    list_display = ["slot", "seeker", "status", "offered_at", "expires_at"]
    list_filter = ["status"]
    list_select_related = ["slot__supporter", "seeker__user"]
    date_hierarchy = "offered_at"
