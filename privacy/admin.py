"""Privacy in the admin: the access log (supervisors and superusers, read-only for everyone), the admin
base class that logs staff reads and changes of sensitive records, and staff-assisted export and deletion
for any account (supporters and staff can't delete themselves on the site): actions and a deletion page
on the user admin, which this module extends (accounts can't import privacy, so the user admin is
registered again here with them)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models, transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.admin import UserAdmin as AccountsUserAdmin
from accounts.models import User

from . import access, services
from .forms import DeleteAccountForm
from .models import AccessLog, Erasure


class SensitiveRecordAdmin(admin.ModelAdmin):
    """A ModelAdmin whose change page shows a sensitive record. Each time the page is shown (GET, or a
    form sent back with errors) it writes one READ row to the access log; each save by staff writes one
    CHANGE row with the before and after of plain fields (encrypted fields only say "changed").

    Subclasses say what to call the record in the log (no personal data), which fields are secret (their
    text never goes in the log, encrypted or not) and, if only some records on this page are sensitive,
    which ones."""

    secret_fields: tuple[str, ...] = ()

    def sensitive_record_label(self, obj: models.Model) -> str:
        return f"{obj._meta.verbose_name.capitalize()} {obj.pk}"

    def shows_sensitive_data(self, request: HttpRequest, obj: models.Model) -> bool:
        """Does the change page of ``obj`` show something sensitive? Every record, by default."""
        return True

    def changes_for_log(self, before, after) -> dict:
        """access.changed_fields, with the secret fields only marked "changed" (also before they are
        encrypted)."""
        changes = access.changed_fields(before, after)
        return {name: "changed" if name in self.secret_fields else value for name, value in changes.items()}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        context = getattr(response, "context_data", None) or {}
        obj = context.get("original")
        if response.status_code == 200 and obj is not None and self.shows_sensitive_data(request, obj):
            access.record_read(request=request, obj=obj, record=self.sensitive_record_label(obj))
        return response

    def save_model(self, request, obj, form, change):
        before = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change:
                access.record_change(
                    request=request,
                    obj=obj,
                    record=self.sensitive_record_label(obj),
                    changes=self.changes_for_log(before, obj),
                )

    def delete_model(self, request, obj):
        label, pk = self.sensitive_record_label(obj), obj.pk
        with transaction.atomic():
            super().delete_model(request, obj)
            obj.pk = pk  # the log keeps which record it was
            access.record_change(request=request, obj=obj, record=label, changes={"record": "deleted"})

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ActorFilter(admin.RelatedOnlyFieldListFilter):
    """Only the people who appear in the log, by email."""

    def field_choices(self, field, request, model_admin):
        ids = model_admin.get_queryset(request).values_list("actor_id", flat=True).distinct()
        return [
            (user.pk, user.email) for user in field.related_model.objects.filter(pk__in=ids).order_by("email")
        ]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Who read or changed which sensitive record, when, from which page. Nobody can add, change or delete
    a row here, superusers included; the model and (on PostgreSQL) the database refuse it too.

    A record's whole history: its row's "all access to this record" link, or
    ``?content_type__id__exact=<type>&object_id=<id>``."""

    list_display = ["at", "actor_email", "kind", "record", "record_history", "page"]
    list_filter = [("actor", ActorFilter), ("content_type", admin.RelatedOnlyFieldListFilter), "kind"]
    search_fields = ["record", "=object_id"]
    date_hierarchy = "at"
    list_select_related = ["actor", "content_type"]
    fields = ["at", "actor_email", "kind", "content_type", "object_id", "record", "page", "changes"]
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description="person", ordering="actor__email")
    def actor_email(self, obj: AccessLog) -> str:
        return obj.actor.email

    @admin.display(description="history")
    def record_history(self, obj: AccessLog) -> str:
        url = reverse("admin:privacy_accesslog_changelist")
        return format_html(
            '<a href="{}?content_type__id__exact={}&amp;object_id={}">all access to this record</a>',
            url,
            obj.content_type_id,
            obj.object_id,
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(AccountsUserAdmin):
    actions = ["prepare_data_export", "delete_account"]

    def get_urls(self):
        return [
            path(
                "<id:user_id>/delete-account/",
                self.admin_site.admin_view(self.delete_account_view),
                name="accounts_user_delete_account",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "delete_account_url": reverse("admin:accounts_user_delete_account", args=[object_id])
            if str(object_id).isdigit() and self.has_delete_permission(request)
            else "",
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(
        description="Prepare a copy of their data (they download it from My account)", permissions=["change"]
    )
    def prepare_data_export(self, request, queryset):
        done = 0
        for user in queryset:
            try:
                services.export_request(user=user)
                done += 1
            except services.PrivacyError as exc:
                self.message_user(request, f"{user.pk}: {exc.message}", messages.WARNING)
        self.message_user(
            request, f"{done} export(s) asked for. Each person gets an email when theirs is ready."
        )

    @admin.action(description="Delete the account (shows what happens first)", permissions=["delete"])
    def delete_account(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Please choose one account at a time to delete.", messages.WARNING)
            return None
        return redirect("admin:accounts_user_delete_account", queryset.get().pk)

    def delete_account_view(self, request, user_id: int):
        """Delete one account on the person's behalf: what happens to each upcoming session and what is
        kept, then the typed confirmation (privacy.services.account_erase)."""
        if not self.has_delete_permission(request):
            raise Http404
        person = get_object_or_404(User, pk=user_id)
        back = reverse("admin:accounts_user_change", args=[person.pk])
        if Erasure.objects.filter(user=person).exists():
            self.message_user(request, "This account is already deleted.", messages.INFO)
            return redirect(back)
        if person == request.user:
            self.message_user(request, "You can't delete your own account here.", messages.ERROR)
            return redirect(back)
        now = timezone.now()
        consequences = services.deletion_consequences(user=person, now=now)
        form = DeleteAccountForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            services.account_erase(user_id=person.pk, by=request.user, now=now)
            self.message_user(request, f"Account {person.pk} is deleted.", messages.SUCCESS)
            return redirect(back)
        return render(
            request,
            "admin/privacy/delete_account.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Delete this account",
                "person": person,
                "is_supporter": hasattr(person, "supporter"),
                "consequences": consequences,
                "form": form,
                "back_url": back,
            },
        )
