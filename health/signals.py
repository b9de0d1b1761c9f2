"""Beat's side of the heartbeat: a Celery publish hook, because beat runs no task code of its own.

Beat sends ``health.tasks.heartbeat`` on its schedule; just before the message leaves, this receiver (in
the beat process) records the time. Recording before the publish means a worker can never run the
heartbeat before beat's record exists, so "caught up" is decided without comparing two hosts' clocks.
If the broker then refuses the message, beat did run (it is alive) and the workers' wait keeps growing,
which is what they see: nothing arrives.
"""

import logging

from celery.signals import before_task_publish
from django.db import close_old_connections, connection
from django.utils import timezone

from .services import heartbeat_beat_sent
from .tasks import HEARTBEAT_TASK

logger = logging.getLogger(__name__)


@before_task_publish.connect(dispatch_uid="health-beat-heartbeat")
def record_beat_heartbeat(sender: str | None = None, **kwargs) -> None:
    if sender != HEARTBEAT_TASK:
        return
    # Beat is a long-lived process outside Django's request cycle: drop a connection the database closed.
    # (Never inside a transaction: that would close the caller's connection under it.)
    if not connection.in_atomic_block:
        close_old_connections()
    try:
        heartbeat_beat_sent(at=timezone.now())
    except Exception:  # never stop beat from sending the heartbeat (or anything else) over this
        logger.warning("health: could not record beat's heartbeat", exc_info=True)
