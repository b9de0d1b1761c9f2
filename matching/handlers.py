"""How matching reacts to what apps below announce (registered in MatchingConfig.ready())."""

from accounts.events import UserSignedUp

from .services import CLAIM_KIND, answers_claim


def on_user_signed_up(event: UserSignedUp) -> None:
    """A visitor who took the questionnaire signed out has signed up: their answers and suggestions become
    their seeker's. Runs in the sign-up transaction, after seekers made the profile."""
    for kind, token in event.claims:
        if kind == CLAIM_KIND:
            answers_claim(user_id=event.user_id, token=token)
