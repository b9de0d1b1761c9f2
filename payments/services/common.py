"""What the payments services share: their error, the "no answer" message, queueing after commit."""

import logging

from django.db import transaction

from peersnet.errors import DomainError

logger = logging.getLogger("payments.services")

MAX_REFUND_ATTEMPTS = 10
UNANSWERED = "We couldn't reach our payment provider, so this payment didn't go through. Please try again."


class PaymentError(DomainError):
    pass


def queue_after_commit(task, *args) -> None:
    """``task.delay(*args)`` once the transaction commits; a broker outage is logged, not raised (the
    periodic retry sends the work instead)."""

    def _send() -> None:
        try:
            task.delay(*args)
        except Exception:  # the queue is down: the periodic retry sends it
            logger.warning("could not queue %s%s; the periodic retry will", task.name, args, exc_info=True)

    transaction.on_commit(_send)
