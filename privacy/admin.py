"""Staff-assisted export and deletion for any account (supporters and staff can't delete themselves on the
site): actions and a deletion page on the user admin, which this module extends (accounts can't import
privacy, so the user admin is registered again here with them)."""

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone

from accounts.admin import UserAdmin as AccountsUserAdmin
from accounts.models import User

from . import services
from .forms import DeleteAccountForm
from .models import Erasure

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
