from celery import shared_task

from peersnet.kernel.tasks import RETRY_ON_DB_ERROR

from . import services


@shared_task(**RETRY_ON_DB_ERROR)
def expire_holds() -> None:
    """Every minute: holds whose time ran out go to the next in line (or the slot opens). Safe to rerun."""
    services.holds_expire_due()


@shared_task(**RETRY_ON_DB_ERROR)
def release_hold(slot_id: int, user_id: int) -> None:
    """Let go of a hold its seeker no longer needs (they booked another time). Safe to rerun."""
    services.hold_release(slot_id=slot_id, user_id=user_id)
