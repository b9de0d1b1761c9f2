"""Named reads of the outbox, for the health report and staff."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min
from django.utils import timezone

from .models import Notification

UNSENT = [Notification.Status.PENDING, Notification.Status.SENDING]


@dataclass(frozen=True)
class OutboxStats:
    unsent: int  # pending or being sent
    oldest_unsent_at: dt.datetime | None
    failed_recently: int  # gave up after every attempt, last attempt within the window


def notification_outbox_stats(*, failed_window: dt.timedelta, now: dt.datetime | None = None) -> OutboxStats:
    """How far behind the outbox is, in two queries.

    The unsent count and the oldest unsent row read the partial index on unsent rows, so they stay cheap
    however many emails were ever sent. Failed rows are counted by their last attempt (``claimed_at``)
    within ``failed_window``: a failure long dealt with doesn't keep the report in warning forever.
    """
    now = now or timezone.now()
    unsent = Notification.objects.filter(status__in=UNSENT).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    failed = Notification.objects.filter(
        status=Notification.Status.FAILED, claimed_at__gte=now - failed_window
    ).count()
    return OutboxStats(unsent=unsent["count"], oldest_unsent_at=unsent["oldest"], failed_recently=failed)
