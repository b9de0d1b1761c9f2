"""What messaging announces (peersnet.kernel.events), from its services, in their transaction with the
conversation row locked. The apps above messaging (safety) register handlers."""

from dataclasses import dataclass

from peersnet.kernel.events import Event


@dataclass(frozen=True)
class MessageSent(Event):
    """A message was written (from message_send, the conversation row locked). ``crisis_language``: it was
    a seeker's message and the crisis phrase list matched it (peersnet.kernel.crisis_language); a
    supporter's message is never checked. The text itself is not in the event: a handler that needs it
    reads the message."""

    message_id: int
    conversation_id: int
    sender_user_id: int
    crisis_language: bool
