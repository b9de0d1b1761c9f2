"""What seekers announces (peersnet.kernel.events), from its services, in their transaction. The apps
above seekers (safety) register handlers."""

from dataclasses import dataclass

from peersnet.kernel.events import Event


@dataclass(frozen=True)
class IntakeSaved(Event):
    """A seeker saved their intake answers (from intake_save, the intake row locked or just made).
    ``crisis_language``: the free-text answer (``Intake.FREE_TEXT_FIELDS``) matched the crisis phrase list
    (peersnet.kernel.crisis_language). The answers themselves are not in the event."""

    intake_id: int
    seeker_id: int
    crisis_language: bool
