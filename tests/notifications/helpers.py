import datetime as dt

import time_machine
from django.utils import timezone

from notifications.services import notification_sweep


def sweep_when_due(after: dt.timedelta = dt.timedelta(minutes=2)) -> int:
    """Run the outbox sweep as beat does, ``after`` from now: by two minutes a row queued now is due (the
    sweep leaves it a minute for its own task) and so is one whose first attempt failed (backoff ≤ 1 min)."""
    with time_machine.travel(timezone.now() + after, tick=True):
        return notification_sweep()
