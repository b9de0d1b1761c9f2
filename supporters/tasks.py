from celery import shared_task

from peersnet.kernel.tasks import RETRY_ON_DB_ERROR

from .services import slots_regenerate, slots_roll_horizon


@shared_task(**RETRY_ON_DB_ERROR)
def roll_slot_horizon() -> None:
    """Daily: move every supporter's slot inventory a day forward. Safe to run twice."""
    slots_roll_horizon()


@shared_task(**RETRY_ON_DB_ERROR)
def regenerate_supporter_slots(supporter_id: int) -> None:
    """Regenerate one supporter's open slots (after staff edit operating hours, for example)."""
    slots_regenerate(supporter_id=supporter_id)
