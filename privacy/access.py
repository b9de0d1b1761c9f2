"""Record that a person read or changed a sensitive record. Call it where the record is shown or saved.

Sensitive records today: intake answers; later messages (when read by staff), safety plans and reports.
Every staff view of one writes one row; see docs/privacy.md.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from peersnet.kernel.crypto import EncryptedTextField
from privacy.models import AccessLog


def _page(request: HttpRequest) -> str:
    return request.path[:300]


def record_read(*, request: HttpRequest, obj: models.Model, record: str) -> AccessLog:
    """One row: ``request.user`` read ``obj`` (labelled ``record``, no personal data) on this page."""
    return AccessLog.objects.create(
        actor=request.user,
        kind=AccessLog.Kind.READ,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        record=record[:200],
        page=_page(request),
    )


def changed_fields(before: models.Model | None, after: models.Model) -> dict:
    """{field: [before, after]} for plain fields that differ; encrypted fields only say "changed"."""
    changes: dict = {}
    for field in after._meta.concrete_fields:
        old = field.value_from_object(before) if before is not None else None
        new = field.value_from_object(after)
        if old == new:
            continue
        if isinstance(field, EncryptedTextField):
            changes[field.name] = "changed"
        else:
            changes[field.name] = [_plain(old), _plain(new)]
    return changes


def _plain(value):
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)


def record_change(*, request: HttpRequest, obj: models.Model, record: str, changes: dict) -> AccessLog | None:
    """One row: ``request.user`` changed ``obj``; ``changes`` from ``changed_fields``. Nothing if empty."""
    if not changes:
        return None
    return AccessLog.objects.create(
        actor=request.user,
        kind=AccessLog.Kind.CHANGE,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        record=record[:200],
        page=_page(request),
        changes=changes,
    )
