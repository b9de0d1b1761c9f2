"""What the payments services share: their error, the "no answer" message, queueing after commit."""

import datetime as dt
import logging
import os
import socket
import uuid

from celery import Task

from peersnet.errors import DomainError
from peersnet.kernel.enqueue import enqueue_on_commit

logger = logging.getLogger("payments.services")

MAX_REFUND_ATTEMPTS = 10
# How long a worker holds an off-session attempt while it sends it to Stripe. Longer than the Stripe
# client's timeout with its retries (the SDK's defaults add up to 4 minutes), so a live sender keeps it;
# a dead one's lease simply runs out and the money sweep sends the attempt again.
CHARGE_LEASE = dt.timedelta(minutes=5)
UNANSWERED = "We couldn't reach our payment provider, so this payment didn't go through. Please try again."


class PaymentError(DomainError):
    pass


def queue_after_commit(task: Task, *args: int) -> None:
    """``task.delay(*args)`` once the transaction commits (the kernel's enqueue); a broker outage is
    logged, not raised: retry_money sends the work instead."""
    enqueue_on_commit(task, *args)


def lease_holder() -> str:
    """A name for this sender (host, process, a fresh token): who holds a lease, for staff and logs."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
