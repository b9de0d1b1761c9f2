from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from .models import Payable, Payment, Refund, StripeCustomer, WebhookEvent
from .services import PaymentError, refund_by_staff, refund_send


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = [
        "amount_cents",
        "reason",
        "status",
        "stripe_refund_id",
        "attempts",
        "last_error",
        "created_by",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class StaffRefundForm(forms.Form):
    amount_cents = forms.IntegerField(min_value=1, label="Amount (cents)")
    note = forms.CharField(max_length=300, required=False, label="Note for the record")


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Payments are written only by the payments service. Staff refund through the same service and limits."""

    list_display = [
        "pk",
        "payable",
        "amount_cents",
        "refunded_cents",
        "status",
        "attempt",
        "card_last4",
        "disputed_at",
        "lease_until",
        "created_at",
    ]
    list_filter = ["status", "off_session", ("disputed_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["=stripe_payment_intent_id", "payable__seeker__user__email", "=payable__key_prefix"]
    list_select_related = ["payable"]
    date_hierarchy = "created_at"
    inlines = [RefundInline]
    readonly_fields = [f.name for f in Payment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<id:payment_id>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="payments_payment_refund",
            ),
            *super().get_urls(),
        ]

    def refund_view(self, request, payment_id: int):
        payment = get_object_or_404(Payment, pk=payment_id)
        if not request.user.has_perm("payments.add_refund"):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        form = StaffRefundForm(data, initial={"amount_cents": payment.refundable_cents})
        if request.method == "POST" and form.is_valid():
            try:
                refund_by_staff(
                    payment_id=payment.pk,
                    amount_cents=form.cleaned_data["amount_cents"],
                    staff=request.user,
                    note=form.cleaned_data["note"],
                )
            except PaymentError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, "Refund recorded; it is being sent to Stripe.", messages.SUCCESS)
                return redirect(reverse("admin:payments_payment_change", args=[payment.pk]))
        context = {
            **self.admin_site.each_context(request),
            "payment": payment,
            "form": form,
            "title": f"Refund payment {payment.pk}",
            "opts": self.model._meta,
        }
        return render(request, "admin/payments/refund.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "refund_url": reverse("admin:payments_payment_refund", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    show_change_link = True
    fields = [
        "attempt",
        "off_session",
        "amount_cents",
        "refunded_cents",
        "status",
        "card_last4",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payable)
class PayableAdmin(admin.ModelAdmin):
    """What is owed, for what (booking-12, gift-3), and its attempts. Written only by the services."""

    list_display = [
        "key_prefix",
        "purpose",
        "amount_cents",
        "status",
        "seeker",
        "payer_email",
        "paid_at",
        "paid_twice_at",
    ]
    list_filter = [
        "purpose",
        "status",
        ("paid_twice_at", admin.EmptyFieldListFilter),
        "created_at",
    ]
    search_fields = ["=key_prefix", "payer_email", "seeker__user__email", "=stripe_customer_id"]
    list_select_related = ["seeker__user"]
    readonly_fields = [f.name for f in Payable._meta.fields]
    inlines = [PaymentInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "payment",
        "amount_cents",
        "reason",
        "status",
        "attempts",
        "last_error",
        "created_at",
    ]
    list_filter = ["status", "reason", "created_at"]
    search_fields = ["=stripe_refund_id", "=payment__payable__key_prefix"]
    readonly_fields = [f.name for f in Refund._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Send again now (failed or pending refunds)", permissions=["change"])
    def retry_now(self, request, queryset):
        done = sum(refund_send(refund_id=r.pk).status == Refund.Status.SUCCEEDED for r in queryset)
        self.message_user(request, f"{done} refund(s) succeeded.")


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["stripe_event_id", "type", "received_at", "claimed_at", "processed_at", "error"]
    list_filter = ["type", ("processed_at", admin.EmptyFieldListFilter)]
    search_fields = ["=stripe_event_id"]
    readonly_fields = [f.name for f in WebhookEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StripeCustomer)
class StripeCustomerAdmin(admin.ModelAdmin):
    list_display = ["seeker", "stripe_customer_id", "card_brand", "card_last4", "updated_at"]
    search_fields = ["seeker__user__email", "=stripe_customer_id"]
    readonly_fields = [f.name for f in StripeCustomer._meta.fields]

    def has_add_permission(self, request):
        return False
