from django.contrib import admin, messages
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import path

from supporters.models import SupporterProfile

from .models import Booking, BookingEvent, SessionFeedback
from .services import BookingError, booking_cancel_by_supporter, booking_confirm_supporter_no_show


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "from_status", "to_status", "reason"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Bookings with their history. Changes go through the same services as the site (actions)."""

    list_display = ["pk", "start", "supporter", "seeker", "status", "money", "supporter_absent_reported_at"]
    list_filter = [
        "status",
        "money",
        "supporter",
        ("supporter_absent_reported_at", admin.EmptyFieldListFilter),
    ]
    date_hierarchy = "start"
    search_fields = ["supporter__display_name", "seeker__user__email", "seeker__user__first_name", "=pk"]
    list_select_related = ["supporter", "seeker__user"]
    inlines = [BookingEventInline]
    actions = ["cancel_on_behalf_of_supporter", "confirm_supporter_no_show"]
    readonly_fields = [f.name for f in Booking._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description="Cancel on behalf of the supporter (free for the seeker)", permissions=["change"]
    )
    def cancel_on_behalf_of_supporter(self, request, queryset):
        done = 0
        for booking in queryset.select_related("supporter"):
            try:
                booking_cancel_by_supporter(
                    booking_id=booking.pk, supporter=booking.supporter, reason="by staff"
                )
                done += 1
            except BookingError as exc:
                self.message_user(request, f"Booking {booking.pk}: {exc.message}", messages.WARNING)
        self.message_user(request, f"{done} booking(s) cancelled.")

    @admin.action(
        description="Confirm the supporter did not come (no-show, full refund)", permissions=["change"]
    )
    def confirm_supporter_no_show(self, request, queryset):
        done = 0
        for booking in queryset:
            try:
                booking_confirm_supporter_no_show(booking_id=booking.pk, staff=request.user)
                done += 1
            except BookingError as exc:
                self.message_user(request, f"Booking {booking.pk}: {exc.message}", messages.WARNING)
        self.message_user(request, f"{done} booking(s) marked as supporter no-show.")


@admin.register(SessionFeedback)
class SessionFeedbackAdmin(admin.ModelAdmin):
    """How sessions went. Guarantee claims per supporter are for supervision, not penalties."""

    list_display = ["booking", "supporter", "loved", "created_at"]
    list_filter = ["loved", "booking__supporter"]
    list_select_related = ["booking__supporter"]
    readonly_fields = ["booking", "loved", "comment", "created_at"]
    change_list_template = "admin/bookings/sessionfeedback/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(ordering="booking__supporter__display_name")
    def supporter(self, obj):
        return obj.booking.supporter

    def get_urls(self):
        return [
            path(
                "by-supporter/",
                self.admin_site.admin_view(self.by_supporter_view),
                name="bookings_guarantee_by_supporter",
            ),
            *super().get_urls(),
        ]

    def by_supporter_view(self, request):
        rows = (
            SupporterProfile.objects.annotate(
                completed=Count("bookings", filter=Q(bookings__status__in=["completed", "refunded"])),
                claims=Count("bookings__feedback", filter=Q(bookings__feedback__loved=False)),
            )
            .filter(completed__gt=0)
            .order_by("-claims", "display_name")
        )
        context = {
            **self.admin_site.each_context(request),
            "rows": rows,
            "title": "Guarantee claims by supporter",
            "opts": self.model._meta,
        }
        return render(request, "admin/bookings/guarantee_by_supporter.html", context)
