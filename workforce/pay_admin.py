"""The admin for supervision and pay. Writes go through the services: rates, paid activities and
adjustments are added here (the add form calls the service and shows its refusal on the form); nothing
that pay was computed from is edited afterwards. Statements are read-only; the one action marks them
paid. Supervision notes are not shown here (the supervision pages log other supervisors' reads)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from peersnet.kernel.money import format_cents
from privacy.admin import SensitiveRecordAdmin

from .models import (
    PaidActivity,
    PayAdjustment,
    PayRate,
    PayStatement,
    PayStatementLine,
    SupervisionAttendance,
    SupervisionSession,
)
from .months import pacific_today
from .services import pay as pay_services


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AttendanceInline(ReadOnlyInline):
    model = SupervisionAttendance
    fields = ["supporter", "attended"]
    readonly_fields = fields


@admin.register(SupervisionSession)
class SupervisionSessionAdmin(admin.ModelAdmin):
    """Read-only: sessions are scheduled and recorded on the supervision pages."""

    list_display = ["kind", "starts_at", "minutes", "status", "supervisor"]
    list_filter = ["kind", "status"]
    date_hierarchy = "starts_at"
    fields = ["kind", "supervisor", "starts_at", "minutes", "status", "recorded_at"]
    readonly_fields = fields
    inlines = [AttendanceInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceAddForm(forms.ModelForm):
    """An add form whose clean() calls the service (inside the admin's transaction) and shows its refusal
    as a form error; the created row becomes the form's instance."""

    request: HttpRequest | None = None

    def create(self, data):  # pragma: no cover - each subclass says how
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            with transaction.atomic():
                self.instance = self.create(data)
        except pay_services.PayError as exc:
            raise ValidationError(exc.message) from None
        return data


class ServiceAddAdmin(admin.ModelAdmin):
    add_fields: list[str] = []

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["fields"] = self.add_fields
        form = super().get_form(request, obj, **kwargs)
        form.request = request
        return form

    def save_model(self, request, obj, form, change):
        pass  # the service wrote it in the form's clean()

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class PayRateForm(ServiceAddForm):
    class Meta:
        model = PayRate
        fields = ["supporter", "hourly_cents", "effective_from"]

    def create(self, data):
        return pay_services.pay_rate_set(
            supporter_id=data["supporter"].pk,
            hourly_cents=data["hourly_cents"],
            effective_from=data["effective_from"],
            by=self.request.user,
        )


@admin.register(PayRate)
class PayRateAdmin(ServiceAddAdmin):
    form = PayRateForm
    add_fields = ["supporter", "hourly_cents", "effective_from"]
    list_display = ["supporter", "rate", "effective_from", "effective_to"]
    search_fields = ["supporter__display_name", "supporter__user__email"]
    autocomplete_fields = ["supporter"]
    readonly_fields = ["supporter", "hourly_cents", "effective_from", "effective_to", "set_by", "created_at"]

    @admin.display(description="hourly rate", ordering="hourly_cents")
    def rate(self, obj: PayRate) -> str:
        return format_cents(obj.hourly_cents)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []


class PaidActivityForm(ServiceAddForm):
    class Meta:
        model = PaidActivity
        fields = ["supporter", "kind", "title", "on", "minutes"]

    def create(self, data):
        return pay_services.paid_activity_record(
            supporter_id=data["supporter"].pk,
            kind=data["kind"],
            title=data["title"],
            on=data["on"],
            minutes=data["minutes"],
            by=self.request.user,
        )


@admin.register(PaidActivity)
class PaidActivityAdmin(ServiceAddAdmin):
    form = PaidActivityForm
    add_fields = ["supporter", "kind", "title", "on", "minutes"]
    list_display = ["supporter", "kind", "title", "on", "minutes"]
    list_filter = ["kind"]
    search_fields = ["supporter__display_name", "title"]
    autocomplete_fields = ["supporter"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.add_fields, "recorded_by", "created_at"] if obj is not None else []


class PayAdjustmentForm(ServiceAddForm):
    class Meta:
        model = PayAdjustment
        fields = ["supporter", "amount_cents", "minutes", "reason"]
        help_texts = {
            "amount_cents": "Cents: 2500 is $25, -2500 takes $25 off. Leave 0 to adjust time instead.",
            "minutes": "Minutes paid at the rate of today, e.g. 60, or -60. Leave 0 to adjust an amount.",
            "reason": "The supporter sees this on their statement.",
        }

    def create(self, data):
        return pay_services.pay_adjustment_create(
            supporter_id=data["supporter"].pk,
            amount_cents=data["amount_cents"] or 0,
            minutes=data["minutes"] or 0,
            reason=data["reason"],
            by=self.request.user,
        )


@admin.register(PayAdjustment)
class PayAdjustmentAdmin(ServiceAddAdmin, SensitiveRecordAdmin):
    """The reason is encrypted; staff reads of an adjustment's page are logged."""

    form = PayAdjustmentForm
    add_fields = ["supporter", "amount_cents", "minutes", "reason"]
    list_display = ["supporter", "amount", "minutes", "created_at", "statement"]
    search_fields = ["supporter__display_name"]
    autocomplete_fields = ["supporter"]

    @admin.display(description="amount")
    def amount(self, obj: PayAdjustment) -> str:
        return format_cents(obj.amount_cents) if obj.amount_cents else ""

    def get_readonly_fields(self, request, obj=None):
        return [*self.add_fields, "created_by", "created_at", "statement"] if obj is not None else []


class LineInline(ReadOnlyInline):
    model = PayStatementLine
    fields = ["on", "kind", "description", "minutes", "rate_cents", "amount_cents"]
    readonly_fields = fields


@admin.register(PayStatement)
class PayStatementAdmin(admin.ModelAdmin):
    """Locked: every field read-only, no add or delete. The action marks statements paid today."""

    list_display = ["supporter", "month", "hours", "total", "paid_on"]
    list_filter = ["month", ("paid_on", admin.EmptyFieldListFilter)]
    search_fields = ["supporter__display_name", "supporter__user__email"]
    fields = ["supporter", "month", "total_minutes", "total_cents", "generated_at", "paid_on", "paid_by"]
    readonly_fields = fields
    inlines = [LineInline]
    actions = ["mark_paid_today"]

    @admin.display(description="total", ordering="total_cents")
    def total(self, obj: PayStatement) -> str:
        return format_cents(obj.total_cents)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Mark paid today (Pacific date)", permissions=["change"])
    def mark_paid_today(self, request, queryset):
        count = pay_services.statements_mark_paid(
            statement_ids=list(queryset.values_list("pk", flat=True)),
            paid_on=pacific_today(),
            by=request.user,
        )
        messages.success(request, f"{count} statement(s) marked paid.")
