from celery import shared_task

from .services import slots_regenerate, slots_roll_horizon


@shared_task
def roll_slot_horizon() -> None:
    """Daily: move every supporter's slot inventory a day forward. Safe to run twice."""
    slots_roll_horizon()


@shared_task
def regenerate_supporter_slots(supporter_id: int) -> None:
    """Regenerate one supporter's open slots (after staff edit operating hours, for example)."""
    slots_regenerate(supporter_id=supporter_id)
