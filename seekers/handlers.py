"""How seekers reacts to what accounts announces (registered in SeekersConfig.ready())."""

from accounts.events import UserSignedUp
from accounts.models import User

from .services import seeker_profile_create


def on_user_signed_up(event: UserSignedUp) -> None:
    """Everyone who signs up is a seeker. Runs in the sign-up transaction (the user row is new and
    uncommitted; no lock needed): the user and the profile commit together or not at all."""
    seeker_profile_create(user=User.objects.get(pk=event.user_id))
