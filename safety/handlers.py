"""What safety does when the apps below it announce something (registered in SafetyConfig.ready())."""

from messaging.events import MessageSent
from seekers.events import IntakeSaved

from . import services


def on_message_sent(event: MessageSent) -> None:
    """A seeker's message with crisis language opens (or joins) the conversation's crisis flag. Runs in
    message_send's transaction with the conversation row locked; takes the flag row's lock after it."""
    if event.crisis_language:
        services.flag_open_for_message(message_id=event.message_id)


def on_intake_saved(event: IntakeSaved) -> None:
    """Intake answers with crisis language open (or join) the seeker's intake flag. Runs in intake_save's
    transaction with the seeker's user row and the intake locked; takes the flag row's lock after them."""
    if event.crisis_language:
        services.flag_open_for_intake(intake_id=event.intake_id)
