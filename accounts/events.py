"""What accounts announces (peersnet.kernel.events). accounts imports no other app: an app above that must
act when an account is made registers a handler."""

from dataclasses import dataclass

from peersnet.kernel.events import Event


@dataclass(frozen=True)
class UserSignedUp(Event):
    """A person signed up (the sign-up form). Announced inside the transaction that saves the user."""

    user_id: int
