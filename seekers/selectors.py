"""Named reads for seekers."""

from allauth.account.models import EmailAddress

from accounts.models import User

from .models import SeekerProfile


def seeker_for_user(*, user: User) -> SeekerProfile | None:
    """The signed-in person's seeker profile, or None (signed out, or not a seeker)."""
    return SeekerProfile.objects.filter(user=user).first() if user.is_authenticated else None


def seeker_email_verified(*, user: User) -> bool:
    """Seekers act only once they have confirmed an email address."""
    return EmailAddress.objects.filter(user=user, verified=True).exists()
