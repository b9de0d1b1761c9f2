from celery import shared_task

from peersnet.kernel.tasks import RETRY_ON_DB_ERROR

from .services import (
    fair_order_rewrite,
    next_open_refresh_stale,
    slots_regenerate,
    slots_regenerate_all,
    slots_roll_horizon,
)


@shared_task(**RETRY_ON_DB_ERROR)
def roll_slot_horizon() -> None:
    """Daily: move every supporter's slot inventory a day forward. Safe to run twice; a run that
    stopped half-way resumes after its last committed batch."""
    slots_roll_horizon()


@shared_task(**RETRY_ON_DB_ERROR)
def regenerate_supporter_slots(supporter_id: int) -> None:
    """Regenerate one supporter's open slots (after staff edit operating hours, for example)."""
    slots_regenerate(supporter_id=supporter_id)


@shared_task(**RETRY_ON_DB_ERROR)
def regenerate_all_slots() -> None:
    """Regenerate every supporter's open slots in full (after staff changed the operating hours)."""
    slots_regenerate_all()


@shared_task(**RETRY_ON_DB_ERROR)
def refresh_next_open() -> None:
    """Every minute: move on stored next open times that came within the minimum notice."""
    next_open_refresh_stale()


@shared_task(**RETRY_ON_DB_ERROR)
def rewrite_fair_order() -> None:
    """Just after midnight UTC: every supporter's place in the new day's fair order (the directory's
    tie-break). Safe to run twice; the daily roll runs it again in case this run was missed."""
    fair_order_rewrite()
