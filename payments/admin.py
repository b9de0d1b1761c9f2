from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from peersnet.kernel.money import format_cents

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


def parse_dollars(text: str) -> int:
    """Staff type dollars ("65", "$65.00", "1,300.50"); the ledger keeps integer cents."""
    cleaned = (text or "").strip().replace("$", "").replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise forms.ValidationError("Enter an amount in dollars, such as 65 or 32.50.") from None
    if not value.is_finite() or value <= 0 or value != value.quantize(Decimal("0.01")):
        raise forms.ValidationError("Enter an amount in dollars above zero, with at most two decimals.")
    return int(value * 100)


class StaffRefundForm(forms.Form):
    amount = forms.CharField(
        label="Amount to refund, in dollars", max_length=20, help_text="For example 65 or 32.50."
    )
    note = forms.CharField(max_length=300, required=False, label="Note for the record")

    def __init__(self, *args, refundable_cents: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.refundable_cents = refundable_cents

    def clean_amount(self) -> int:
        cents = parse_dollars(self.cleaned_data["amount"])
        if cents > self.refundable_cents:
            raise forms.ValidationError(f"At most {format_cents(self.refundable_cents)} is left to refund.")
        return cents


def payer_label(payment: Payment) -> str:
    """Who gets the money back: the seeker's name and email, or the gift buyer's."""
    payable = payment.payable
    if payable.seeker_id:
        user = payable.seeker.user
        return f"{user.get_full_name() or user.first_name or 'the seeker'} ({user.email})"
    return f"{payable.payer_name or 'the buyer'} ({payable.payer_email})"


def staff_refund_flow(request, *, payment: Payment, what_for: str, back_url: str, admin_context: dict):
    """Two steps: the amount in dollars, then a confirmation that names who gets it, what it was for
    and how much; only the confirmation refunds (through payments.refund_by_staff and its limits)."""
    if not request.user.has_perm("payments.add_refund"):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = StaffRefundForm(
        data,
        refundable_cents=payment.refundable_cents,
        initial={"amount": format_cents(payment.refundable_cents).removeprefix("$")},
    )
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") == "yes":
            try:
                refund_by_staff(
                    payment_id=payment.pk,
                    amount_cents=form.cleaned_data["amount"],
                    staff=request.user,
                    note=form.cleaned_data["note"],
                )
            except PaymentError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    f"Refund of {format_cents(form.cleaned_data['amount'])} recorded; it is being sent to "
                    "Stripe, and the seeker gets an email when it goes through.",
                )
                return redirect(back_url)
        else:
            confirming = True
    context = {
        **admin_context,
        "payment": payment,
        "form": form,
        "confirming": confirming,
        "amount_cents": form.cleaned_data.get("amount") if confirming else None,
        "payer": payer_label(payment),
        "what_for": what_for,
        "back_url": back_url,
        "title": "Refund",
    }
    return render(request, "admin/payments/refund.html", context)


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
        if not request.user.has_perm("payments.add_refund"):
            raise PermissionDenied  # before looking anything up: no hint of what exists
        payment = get_object_or_404(Payment.objects.select_related("payable__seeker__user"), pk=payment_id)
        payable = payment.payable
        return staff_refund_flow(
            request,
            payment=payment,
            what_for=f"{payable.purpose} {payable.key_prefix.removeprefix(payable.purpose + '-')}",
            back_url=reverse("admin:payments_payment_change", args=[payment.pk]),
            admin_context={**self.admin_site.each_context(request), "opts": self.model._meta},
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            # Only for a real id: a mistyped address gets the admin's own "doesn't exist", not an error.
            "refund_url": reverse("admin:payments_payment_refund", args=[object_id])
            if str(object_id).isdigit()
            else "",
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
