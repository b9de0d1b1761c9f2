"""What the payments services share: their error, the "no answer" message, queueing after commit."""

import logging

from celery import Task

from peersnet.errors import DomainError
from peersnet.kernel.enqueue import enqueue_on_commit

logger = logging.getLogger("payments.services")

MAX_REFUND_ATTEMPTS = 10
UNANSWERED = "We couldn't reach our payment provider, so this payment didn't go through. Please try again."


class PaymentError(DomainError):
    pass


def queue_after_commit(task: Task, *args: int) -> None:
    """``task.delay(*args)`` once the transaction commits (the kernel's enqueue); a broker outage is
    logged, not raised: retry_money sends the work instead."""
    enqueue_on_commit(task, *args)
