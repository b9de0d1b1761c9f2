from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse

from accounts.timezones import format_when
from payments.admin import staff_refund_flow
from payments.models import Payment
from peersnet.kernel.ids import parse_id
from privacy.access import record_read
from privacy.admin import SensitiveRecordAdmin

from .models import Booking, BookingEvent, SessionFeedback
from .selectors import SUMMARY_DAYS, feedback_summary_by_supporter
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


# Events whose reason the supporter wrote (private: never shown to the seeker).
PRIVATE_REASON_STATUSES = {Booking.Status.DECLINED, Booking.Status.CANCELLED_BY_SUPPORTER}


@admin.register(Booking)
class BookingAdmin(SensitiveRecordAdmin):
    """Bookings with their history. Changes go through the same services as the site (actions). A page
    that shows a supporter's private reason (declining, or cancelling) is logged as a read of it."""

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
    secret_fields = ("decline_reason",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def sensitive_record_label(self, obj: Booking) -> str:
        return f"Private reason of booking {obj.pk}"

    def shows_sensitive_data(self, request, obj: Booking) -> bool:
        return bool(obj.decline_reason) or any(
            event.reason and event.to_status in PRIVATE_REASON_STATUSES for event in obj.events.all()
        )

    def get_urls(self):
        return [
            path(
                "<id:booking_id>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="bookings_booking_refund",
            ),
            *super().get_urls(),
        ]

    def refund_view(self, request, booking_id: int):
        """A staff refund of this session's fee, in dollars, confirmed with the seeker, the session and the
        amount named (payments.admin.staff_refund_flow)."""
        if not request.user.has_perm("payments.add_refund"):
            raise PermissionDenied  # before looking anything up: no hint of what exists
        booking = get_object_or_404(
            Booking.objects.select_related("supporter", "seeker__user"), pk=booking_id
        )
        payment = (
            Payment.objects.select_related("payable__seeker__user")
            .filter(payable_id=booking.payable_id, status=Payment.Status.SUCCEEDED)
            .order_by("pk")
            .first()
        )
        if booking.payable_id is None or payment is None:
            raise Http404("This session has no card payment to refund.")
        return staff_refund_flow(
            request,
            payment=payment,
            what_for=f"the session with {booking.supporter.display_name} on {format_when(booking.start)} "
            f"(booking {booking.pk})",
            back_url=reverse("admin:bookings_booking_change", args=[booking.pk]),
            admin_context={**self.admin_site.each_context(request), "opts": self.model._meta},
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            # Only for a real id: a mistyped address gets the admin's own "doesn't exist", not an error.
            "refund_url": reverse("admin:bookings_booking_refund", args=[object_id])
            if str(object_id).isdigit()
            else "",
        }
        return super().change_view(request, object_id, form_url, extra_context)

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
    """How sessions went, for supervisors only (privacy.roles): the private rating and comment are a
    coaching signal for supervision, never a ranking or a penalty. Opening one is written to the access
    log (the comment is something a seeker told us in confidence)."""

    list_display = ["booking", "supporter", "loved", "rating", "created_at"]
    list_filter = ["loved", "rating", "booking__supporter"]
    list_select_related = ["booking__supporter"]
    readonly_fields = ["booking", "loved", "rating", "comment", "created_at"]
    change_list_template = "admin/bookings/sessionfeedback/change_list.html"

    # Who sees ratings and comments is the role table's business (privacy/roles.py): supervisors only.

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        feedback = SessionFeedback.objects.filter(pk=parse_id(object_id)).first()
        if feedback is not None and response.status_code == 200:
            record_read(request=request, obj=feedback, record="session feedback (rating and comment)")
        return response

    def has_change_permission(self, request, obj=None):
        return False

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
        """Per supporter, the last 90 days: sessions, ratings given, their average, guarantee claims.
        In name order: it is read in supervision, never used to rank anyone."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "rows": feedback_summary_by_supporter(),
            "days": SUMMARY_DAYS,
            "title": "Session feedback by supporter",
            "opts": self.model._meta,
        }
        return render(request, "admin/bookings/guarantee_by_supporter.html", context)
