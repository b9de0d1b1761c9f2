from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.utils import timezone

from peersnet.kernel import events

from .events import UserSignedUp


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up creates a seeker: the user row and what the apps above make of it (seekers: the seeker
    profile, on UserSignedUp) commit together or not at all."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.first_name = data["first_name"]
        user.date_of_birth = data["date_of_birth"]
        user.time_zone = data["time_zone"]
        user.terms_accepted_at = timezone.now()
        if commit:
            with transaction.atomic():
                user.save()
                events.announce(UserSignedUp(user_id=user.pk))
        return user
