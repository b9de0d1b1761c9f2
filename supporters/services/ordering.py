"""The stored daily fair order, ``SupporterProfile.fair_rank`` (the order itself is in ``fair_order``)."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import fair_order
from ..directory_cache import order_changed
from ..models import SupporterProfile

REWRITE_BATCH_SIZE = 2000


def fair_order_rewrite(*, now: dt.datetime | None = None, batch_size: int = REWRITE_BATCH_SIZE) -> int:
    """Give every supporter their place in the fair order of the (UTC) day of ``now``; returns how many
    places changed. Run by beat just after midnight UTC and again by the daily roll (which finds nothing to
    do when the first run went through).

    Set-based: one ``UPDATE`` per batch of ids, each its own short transaction, the batch's rows locked in
    id order first (as the roll and the slot services lock them), so it never deadlocks with them and a
    booking waits for one batch at most. Only rows whose rank differs are written, so a second run the
    same day, or a run that resumes after a failure, writes nothing twice. Until it has run, the directory
    keeps yesterday's order: as fair, only not new. Page cursors carry the rank they were made with, so a
    cursor made before the rewrite only risks showing a card twice or skipping one on the next page; one
    made on another day shows page 1 (``selectors._after_cursor``)."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    now = now or timezone.now()
    rank = fair_order.rank_expression("id", now)
    if not SupporterProfile.objects.filter(~Q(fair_rank=rank)).exists():
        return 0  # the usual case for the roll: one read, no lock
    changed, after = 0, 0
    while True:
        with transaction.atomic():
            ids = list(
                SupporterProfile.objects.filter(pk__gt=after)
                .order_by("pk")
                .select_for_update(no_key=True)
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            changed += (
                SupporterProfile.objects.filter(pk__gte=ids[0], pk__lte=ids[-1])
                .filter(~Q(fair_rank=rank))
                .update(fair_rank=rank)
            )
        if len(ids) < batch_size:
            break
        after = ids[-1]
    if changed:
        order_changed()
    return changed
