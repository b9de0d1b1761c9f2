from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import user_lock_active
from peersnet.kernel import events
from peersnet.kernel.crisis_language import contains_crisis_language

from .events import IntakeSaved
from .models import Intake, SeekerProfile


@transaction.atomic
def seeker_profile_create(*, user: User) -> SeekerProfile:
    """Make ``user`` a seeker. Safe to repeat: returns the existing profile."""
    profile, _created = SeekerProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def intake_save(*, seeker: SeekerProfile, answers: dict) -> Intake:
    """Save (or update) the seeker's intake; the first save completes it. The acknowledgement is required.
    Locks the seeker's user row first: a deleted account's intake can't come back (AccountClosed).
    Announces IntakeSaved (with whether the free text has crisis language) in this transaction."""
    user_lock_active(user_id=seeker.user_id)
    now = timezone.now()
    intake = Intake.objects.select_for_update().filter(seeker=seeker).first()
    if intake is None:
        intake = Intake(seeker=seeker, acknowledged_at=now, completed_at=now)
    for field, value in answers.items():
        setattr(intake, field, value.strip() if isinstance(value, str) else value)
    intake.full_clean(exclude=["seeker"])
    intake.save()
    events.announce(
        IntakeSaved(
            intake_id=intake.pk,
            seeker_id=seeker.pk,
            crisis_language=intake_has_crisis_language(intake),
        )
    )
    return intake


def intake_has_crisis_language(intake: Intake) -> bool:
    """Does a free-text answer of the intake match the crisis phrase list?"""
    return any(contains_crisis_language(getattr(intake, field) or "") for field in Intake.FREE_TEXT_FIELDS)
