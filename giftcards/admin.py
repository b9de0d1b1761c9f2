from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from payments.models import Refund
from payments.selectors import payable_refund

from . import services
from .forms import RecipientCorrectForm
from .models import Gift, GiftPrice, SessionCredit


@admin.register(GiftPrice)
class GiftPriceAdmin(admin.ModelAdmin):
    """Bundle prices. Sizes without a row cost sessions × the session price."""

    list_display = ["sessions", "total_cents", "updated_at"]
    ordering = ["sessions"]


class SessionCreditInline(admin.TabularInline):
    model = SessionCredit
    extra = 0
    can_delete = False
    fields = ["status", "seeker", "booking", "taken_at", "used_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Gift)
class GiftAdmin(admin.ModelAdmin):
    """Gifts change only through the gift services: resend, correct the recipient, refund."""

    list_display = [
        "pk",
        "recipient_name",
        "recipient_email",
        "buyer_email",
        "sessions",
        "amount_cents",
        "status",
        "delivery_date",
        "issued_at",
        "claimed_at",
        "all_used_notified_at",
    ]
    list_filter = [
        "status",
        ("delivery_date", admin.EmptyFieldListFilter),
        ("all_used_notified_at", admin.EmptyFieldListFilter),
        "created_at",
    ]
    search_fields = ["recipient_email", "buyer_email", "=payable__key_prefix", "=pk"]
    list_select_related = ["claimed_by__user"]
    date_hierarchy = "created_at"
    inlines = [SessionCreditInline]
    readonly_fields = [f.name for f in Gift._meta.fields if f.name not in ("token_hash", "status_token_hash")]
    exclude = ["token_hash", "status_token_hash"]
    actions = ["resend_gift_email", "refund_in_full"]
    change_form_template = "giftcards/admin/gift_change_form.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Send the gift email again (with a new link)", permissions=["change"])
    def resend_gift_email(self, request, queryset):
        for gift in queryset:
            try:
                services.gift_resend(gift_id=gift.pk)
            except services.GiftError as exc:
                self.message_user(request, f"Gift {gift.pk}: {exc.message}", messages.WARNING)
            else:
                self.message_user(request, f"Gift {gift.pk}: sent again to {gift.recipient_email}.")

    @admin.action(description="Refund in full (only gifts not claimed yet)", permissions=["change"])
    def refund_in_full(self, request, queryset):
        for gift in queryset:
            try:
                gift = services.gift_refund(gift_id=gift.pk, by=request.user)
            except services.GiftError as exc:
                self.message_user(request, f"Gift {gift.pk}: {exc.message}", messages.WARNING)
                continue
            refund = payable_refund(payable_id=gift.payable_id)
            if refund is not None and refund.status == Refund.Status.SUCCEEDED:
                self.message_user(request, f"Gift {gift.pk}: refunded in full.", messages.SUCCESS)
            else:
                self.message_user(
                    request,
                    f"Gift {gift.pk}: marked refunded; Stripe hasn't accepted the refund yet "
                    f"({(refund and refund.last_error) or 'pending'}). It is retried automatically.",
                    messages.WARNING,
                )

    def get_urls(self):
        return [
            path(
                "<id:gift_id>/recipient/",
                self.admin_site.admin_view(self.recipient_view),
                name="giftcards_gift_recipient",
            ),
            *super().get_urls(),
        ]

    def recipient_view(self, request, gift_id: int):
        if not self.has_change_permission(request):
            raise PermissionDenied
        gift = get_object_or_404(Gift, pk=gift_id)
        data = request.POST if request.method == "POST" else None
        form = RecipientCorrectForm(
            data, initial={"recipient_email": gift.recipient_email, "recipient_name": gift.recipient_name}
        )
        if request.method == "POST" and form.is_valid():
            try:
                gift = services.gift_recipient_correct(
                    gift_id=gift.pk,
                    email=form.cleaned_data["recipient_email"],
                    name=form.cleaned_data["recipient_name"],
                )
            except services.GiftError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, f"Recipient updated to {gift.recipient_email}.", messages.SUCCESS)
                return redirect(reverse("admin:giftcards_gift_change", args=[gift.pk]))
        context = {
            **self.admin_site.each_context(request),
            "gift": gift,
            "form": form,
            "title": f"Correct the recipient of gift {gift.pk}",
            "opts": self.model._meta,
        }
        return render(request, "giftcards/admin/recipient.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            # Only for a real id: a mistyped address gets the admin's own "doesn't exist", not an error.
            "recipient_url": reverse("admin:giftcards_gift_recipient", args=[object_id])
            if str(object_id).isdigit()
            else "",
        }
        return super().change_view(request, object_id, form_url, extra_context)
