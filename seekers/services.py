from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import user_lock_active

from .models import Intake, SeekerProfile


@transaction.atomic
def seeker_profile_create(*, user: User) -> SeekerProfile:
    """Make ``user`` a seeker. Safe to repeat: returns the existing profile."""
    profile, _created = SeekerProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def intake_save(*, seeker: SeekerProfile, answers: dict) -> Intake:
    """Save (or update) the seeker's intake; the first save completes it. The acknowledgement is required.
    Locks the seeker's user row first: a deleted account's intake can't come back (AccountClosed)."""
    user_lock_active(user_id=seeker.user_id)
    now = timezone.now()
    intake = Intake.objects.select_for_update().filter(seeker=seeker).first()
    if intake is None:
        intake = Intake(seeker=seeker, acknowledged_at=now, completed_at=now)
    for field, value in answers.items():
        setattr(intake, field, value.strip() if isinstance(value, str) else value)
    intake.full_clean(exclude=["seeker"])
    intake.save()
    return intake
