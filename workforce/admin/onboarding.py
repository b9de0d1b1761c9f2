"""Onboarding and credentials in the admin, for operations (trainers read): the 2-week clock with its
filter, marking orientation, activating, and credentials with their expiry. Every change goes through
workforce's services."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from peersnet.errors import DomainError

from ..models import Credential, EthicsAcknowledgement, ListingEvent, Onboarding
from ..selectors.onboarding import onboarding_checklist
from ..services.credentials import credential_delete, credential_save, ops_today
from ..services.onboarding import onboarding_activate, onboarding_mark_orientation


class ClockFilter(admin.SimpleListFilter):
    """The 2-week clock: still within it, past it, or done."""

    title = _("clock")
    parameter_name = "clock"

    def lookups(self, request, model_admin):
        return [("due", _("Due (within 2 weeks)")), ("overdue", _("Overdue")), ("activated", _("Activated"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "due":
            return queryset.filter(activated_at__isnull=True, due_at__gte=now)
        if self.value() == "overdue":
            return queryset.filter(activated_at__isnull=True, due_at__lt=now)
        if self.value() == "activated":
            return queryset.filter(activated_at__isnull=False)
        return queryset


@admin.register(Onboarding)
class OnboardingAdmin(admin.ModelAdmin):
    list_display = ["supporter", "started_at", "due_at", "clock", "orientation_attended_at", "activated_at"]
    list_filter = [ClockFilter]
    list_select_related = ["supporter"]
    search_fields = ["supporter__display_name", "supporter__user__email"]
    ordering = ["activated_at", "due_at"]
    actions = ["mark_orientation", "activate"]
    fields = [
        "supporter",
        "application",
        "started_at",
        "due_at",
        "checklist",
        "orientation_attended_at",
        "orientation_marked_by",
        "nudged_at",
        "activated_at",
        "activated_by",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # opened by the hiring path (an application entering "onboarding")

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("clock"), ordering="due_at")
    def clock(self, obj: Onboarding) -> str:
        if obj.activated_at:
            return "activated"
        left = obj.due_at - timezone.now()
        if left < dt.timedelta(0):
            late = (-left).days
            return f"overdue by {late} day{'s' if late != 1 else ''}" if late else "overdue today"
        days = left.days
        return f"{days} day{'s' if days != 1 else ''} left"

    @admin.display(description=_("checklist"))
    def checklist(self, obj: Onboarding) -> str:
        items = onboarding_checklist(onboarding=obj)
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{}: {} ({})</li>", ((i.label, "done" if i.done else "open", i.detail) for i in items)
            ),
        )

    @admin.action(description=_("Mark orientation session attended"), permissions=["change"])
    def mark_orientation(self, request: HttpRequest, queryset: QuerySet[Onboarding]) -> None:
        for onboarding in queryset:
            onboarding_mark_orientation(onboarding_id=onboarding.pk, by=request.user)
        self.message_user(request, _("Orientation recorded."), messages.SUCCESS)

    @admin.action(description=_("Activate (list in the directory)"), permissions=["change"])
    def activate(self, request: HttpRequest, queryset: QuerySet[Onboarding]) -> None:
        for onboarding in queryset.select_related("supporter"):
            try:
                onboarding_activate(onboarding_id=onboarding.pk, by=request.user)
            except DomainError as exc:  # incomplete, or the application moved on meanwhile
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(
                    request, f"{onboarding.supporter.display_name} is active and listed.", messages.SUCCESS
                )


class CredentialForm(forms.ModelForm):
    class Meta:
        model = Credential
        fields = ["supporter", "kind", "number", "issuer", "issued_on", "expires_on", "document"]
        widgets = {"document": forms.FileInput}  # no public link to the file: see "document link"

    def clean(self):
        data = super().clean()
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and expires <= issued:
            self.add_error("expires_on", _("The expiry date must be after the date it was issued."))
        return data


class ExpiryFilter(admin.SimpleListFilter):
    title = _("expiry")
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [("expired", _("Expired")), ("60", _("Expires within 60 days")), ("current", _("Current"))]

    def queryset(self, request, queryset):
        today = ops_today()
        if self.value() == "expired":
            return queryset.filter(expires_on__lte=today)
        if self.value() == "60":
            return queryset.filter(expires_on__gt=today, expires_on__lte=today + dt.timedelta(days=60))
        if self.value() == "current":
            return queryset.filter(expires_on__gt=today)
        return queryset


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    form = CredentialForm
    list_display = ["supporter", "kind", "issuer", "issued_on", "expires_on", "state"]
    list_filter = [ExpiryFilter, "kind"]
    list_select_related = ["supporter"]
    search_fields = ["supporter__display_name", "supporter__user__email", "number", "issuer"]
    autocomplete_fields = ["supporter"]
    readonly_fields = ["document_link", "recorded_by", "created_at", "updated_at"]

    @admin.display(description=_("state"))
    def state(self, obj: Credential) -> str:
        left = (obj.expires_on - ops_today()).days
        if left <= 0:
            return "expired"
        return f"expires in {left} day{'s' if left != 1 else ''}" if left <= 60 else "current"

    @admin.display(description=_("document link"))
    def document_link(self, obj: Credential) -> str:
        if not obj.pk or not obj.document:
            return "–"
        return format_html(
            '<a href="{}">Open the document</a>', reverse("workforce:credential_document", args=[obj.pk])
        )

    def save_model(self, request, obj, form, change) -> None:
        credential_save(credential=obj, by=request.user)

    def delete_model(self, request, obj) -> None:
        credential_delete(credential=obj)

    def delete_queryset(self, request, queryset) -> None:
        for credential in queryset:
            credential_delete(credential=credential)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ListingEvent)
class ListingEventAdmin(ReadOnlyAdmin):
    list_display = ["supporter", "kind", "credential", "at"]
    list_filter = ["kind"]
    list_select_related = ["supporter", "credential"]
    search_fields = ["supporter__display_name"]


@admin.register(EthicsAcknowledgement)
class EthicsAcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["user", "version", "acknowledged_at"]
    list_filter = ["version"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
