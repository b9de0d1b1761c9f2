"""What accounts announces (peersnet.kernel.events). accounts imports no other app: an app above that must
act when an account is made registers a handler."""

from dataclasses import dataclass

from peersnet.kernel.events import Event


@dataclass(frozen=True)
class UserSignedUp(Event):
    """A person signed up (the sign-up form). Announced inside the transaction that saves the user.

    ``claims``: what the visitor left in their session before signing up for an app above to take over,
    as ``(kind, token)`` pairs (``accounts.pending.pending_claim_remember``; matching: questionnaire
    answers given signed out)."""

    user_id: int
    claims: tuple[tuple[str, str], ...] = ()
