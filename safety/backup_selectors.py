"""Reads of backup requests: one for the supporter or a supervisor, and the supervisor queue's section."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse

from .models import BackupRequest
from .queue import QueueItem


def backup_request_for_supporter(*, request_id: int, user) -> BackupRequest | None:
    """The request if ``user`` is the supporter who made it, else None (a 404)."""
    return (
        BackupRequest.objects.select_related("acknowledged_by", "booking")
        .filter(pk=request_id, supporter__user=user)
        .first()
    )


def backup_request_open_for_booking(*, booking) -> BackupRequest | None:
    return BackupRequest.objects.filter(booking=booking, acknowledged_at__isnull=True).first()


def backup_request_for_supervisor(*, request_id: int) -> BackupRequest | None:
    return (
        BackupRequest.objects.select_related("acknowledged_by", "booking__seeker__user", "supporter__user")
        .filter(pk=request_id)
        .first()
    )


def queue_items(now: dt.datetime) -> list[QueueItem]:
    """The queue section: open backup requests, oldest first, in one query; each should be acknowledged
    within SAFETY_BACKUP_ACKNOWLEDGE_WITHIN."""
    requests = (
        BackupRequest.objects.filter(acknowledged_at__isnull=True)
        .select_related("supporter")
        .order_by("requested_at", "pk")
    )
    return [
        QueueItem(
            kind="backup_request",
            title=f"{request.supporter.display_name} is asking for backup (session {request.booking_id})",
            opened_at=request.requested_at,
            due_at=request.requested_at + settings.SAFETY_BACKUP_ACKNOWLEDGE_WITHIN,
            url=reverse("safety:backup_detail", args=[request.pk]),
            action_label="Acknowledge",
        )
        for request in requests
    ]
