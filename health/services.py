"""Heartbeat writes: beat records what it sends, a worker records what it runs. Both are safe to repeat."""

import datetime as dt

from django.db import transaction

from .models import Heartbeat


@transaction.atomic
def heartbeat_beat_sent(*, at: dt.datetime) -> None:
    """Beat is sending a heartbeat now: record beat's last run and start the workers' wait if not started.

    Called in the beat process just before the message goes to the broker. One upsert and one
    conditional update, no lock held beyond them; concurrent calls (there is exactly one beat) are harmless.
    """
    Heartbeat.objects.bulk_create(
        [Heartbeat(name=Heartbeat.Name.BEAT, at=at)],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["at"],
    )
    Heartbeat.objects.bulk_create(
        [Heartbeat(name=Heartbeat.Name.WORKER, at=None, waiting_since=at)], ignore_conflicts=True
    )
    Heartbeat.objects.filter(name=Heartbeat.Name.WORKER, waiting_since__isnull=True).update(waiting_since=at)


def heartbeat_worker_ran(*, at: dt.datetime) -> None:
    """A worker ran a heartbeat: record it and clear the wait. One upsert; any number of workers may race."""
    Heartbeat.objects.bulk_create(
        [Heartbeat(name=Heartbeat.Name.WORKER, at=at, waiting_since=None)],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["at", "waiting_since"],
    )
