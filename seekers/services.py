from django.db import transaction

from accounts.models import User

from .models import SeekerProfile


@transaction.atomic
def seeker_profile_create(*, user: User) -> SeekerProfile:
    """Make ``user`` a seeker. Safe to repeat: returns the existing profile."""
    profile, _created = SeekerProfile.objects.get_or_create(user=user)
    return profile
