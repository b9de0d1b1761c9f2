from django.contrib import admin, messages

from .models import Booking, BookingEvent
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

    @admin.action(description="Cancel on behalf of the supporter (free for the seeker)")
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

    @admin.action(description="Confirm the supporter did not come (no-show, full refund)")
    def confirm_supporter_no_show(self, request, queryset):
        done = 0
        for booking in queryset:
            try:
                booking_confirm_supporter_no_show(booking_id=booking.pk, staff=request.user)
                done += 1
            except BookingError as exc:
                self.message_user(request, f"Booking {booking.pk}: {exc.message}", messages.WARNING)
        self.message_user(request, f"{done} booking(s) marked as supporter no-show.")
