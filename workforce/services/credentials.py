"""Credentials with an expiry, and the rule they carry: a supporter whose credential of some kind has
expired (the latest of that kind) is unlisted until it is renewed.

The state the directory reads is stored on the supporter's profile (``credentials_lapsed_at``, written
through supporters' ``services.listing`` with conditional updates), so ``listed()`` stays one query with
one more condition. ``credentials_sync`` is the one place that decides it; recording or changing a
credential and the hourly sweep call it.

Days are read in the operations zone: a credential "expires on" a day and is no longer valid from that
day's midnight, Pacific time.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from peersnet.errors import DomainError
from supporters import services as supporter_services
from supporters.models import SupporterProfile

from ..emails.credentials import email_credential_reminder, email_relisted, email_unlisted
from ..models import Credential, ListingEvent


class CredentialError(DomainError):
    pass


def ops_today(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(ZoneInfo(settings.OPERATIONS_TIME_ZONE)).date()


def _latest_by_kind(supporter_id: int) -> dict[str, dt.date]:
    rows = (
        Credential.objects.filter(supporter_id=supporter_id).values("kind").annotate(latest=Max("expires_on"))
    )
    return {row["kind"]: row["latest"] for row in rows}


@transaction.atomic
def credentials_sync(*, supporter_id: int, now: dt.datetime | None = None) -> ListingEvent | None:
    """Unlist the supporter when the latest credential of any kind has expired; list them again when none
    has. Writes a ``ListingEvent`` and queues the emails only when this call changed the profile: the change
    is a conditional update, so of two calls at once exactly one does it. Returns that event or None."""
    now = now or timezone.now()
    today = ops_today(now)
    expired = [kind for kind, latest in _latest_by_kind(supporter_id).items() if latest <= today]
    if expired:
        if not supporter_services.supporter_credentials_lapse(supporter_id=supporter_id, at=now):
            return None
        credential = (
            Credential.objects.filter(supporter_id=supporter_id, kind__in=expired)
            .order_by("expires_on", "pk")
            .first()
        )
        event = ListingEvent.objects.create(
            supporter_id=supporter_id, kind=ListingEvent.Kind.UNLISTED, credential=credential, at=now
        )
        email_unlisted(event, credential=credential)
        return event
    if not supporter_services.supporter_credentials_restore(supporter_id=supporter_id):
        return None
    event = ListingEvent.objects.create(supporter_id=supporter_id, kind=ListingEvent.Kind.RELISTED, at=now)
    email_relisted(event)
    return event


def _check_dates(issued_on: dt.date, expires_on: dt.date) -> None:
    if expires_on <= issued_on:
        raise CredentialError("The expiry date must be after the date it was issued.", code="dates")


@transaction.atomic
def credential_record(
    *,
    supporter: SupporterProfile,
    kind: str,
    issued_on: dt.date,
    expires_on: dt.date,
    number: str = "",
    issuer: str = "",
    document=None,
    by: User | None,
) -> Credential:
    """Staff: record a credential (a renewal is a new one of the same kind with a later expiry), then
    apply the listing rule at once. Raises CredentialError on impossible dates."""
    _check_dates(issued_on, expires_on)
    credential = Credential(
        supporter=supporter,
        kind=kind,
        issued_on=issued_on,
        expires_on=expires_on,
        number=number.strip(),
        issuer=issuer.strip(),
        recorded_by=by,
    )
    if document:
        credential.document = document
    credential.save()
    credentials_sync(supporter_id=supporter.pk)
    return credential


@transaction.atomic
def credential_save(*, credential: Credential, by: User | None) -> Credential:
    """Staff: save a credential edited in the admin (a corrected or extended expiry, or one moved to the
    right supporter), then apply the listing rule at once to everyone it concerns. Raises CredentialError
    on impossible dates."""
    _check_dates(credential.issued_on, credential.expires_on)
    before = None
    if credential.pk is None:
        credential.recorded_by = by
    else:
        before = Credential.objects.filter(pk=credential.pk).values_list("supporter_id", flat=True).first()
    credential.save()
    credentials_sync(supporter_id=credential.supporter_id)
    if before is not None and before != credential.supporter_id:
        credentials_sync(supporter_id=before)
    return credential


@transaction.atomic
def credential_delete(*, credential: Credential) -> None:
    """Staff: remove a credential recorded by mistake, then apply the listing rule to what is left."""
    supporter_id = credential.supporter_id
    credential.delete()
    credentials_sync(supporter_id=supporter_id)


def credentials_unlist_expired(*, now: dt.datetime | None = None) -> int:
    """Unlist every supporter whose credential expired and who is not unlisted yet. Safe to run twice at
    once: each change is a conditional update (``credentials_sync``), so one run unlists, emails and writes
    the event, the other finds nothing to do. Returns how many this run unlisted."""
    now = now or timezone.now()
    today = ops_today(now)
    supporter_ids = list(
        Credential.objects.filter(expires_on__lte=today, supporter__credentials_lapsed_at__isnull=True)
        .values_list("supporter_id", flat=True)
        .distinct()
        .order_by("supporter_id")
    )
    return sum(1 for pk in supporter_ids if credentials_sync(supporter_id=pk, now=now) is not None)


def credentials_remind(*, now: dt.datetime | None = None) -> int:
    """Remind supporters of credentials expiring within the largest reminder window: each reminder (60,
    30, 7 days before) once per credential and expiry date, keyed in the outbox; a credential entered late
    gets only the nearest one. Only the latest credential of each kind counts (an older one that was renewed
    needs no reminder). Returns how many reminders were due (the outbox drops the repeats)."""
    today = ops_today(now)
    days = sorted(settings.CREDENTIAL_REMINDER_DAYS)
    soon = (
        Credential.objects.filter(expires_on__gt=today, expires_on__lte=today + dt.timedelta(days=days[-1]))
        .select_related("supporter__user")
        .order_by("supporter_id", "kind", "-expires_on")
    )
    latest_expiry = {
        (row["supporter_id"], row["kind"]): row["latest"]
        for row in Credential.objects.filter(supporter__in=soon.values("supporter"))
        .values("supporter_id", "kind")
        .annotate(latest=Max("expires_on"))
    }
    queued = 0
    for credential in soon:
        if latest_expiry[(credential.supporter_id, credential.kind)] != credential.expires_on:
            continue
        left = (credential.expires_on - today).days
        threshold = next(n for n in days if left <= n)
        with transaction.atomic():
            email_credential_reminder(credential, days=threshold)
        queued += 1
    return queued


def credentials_sweep(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Beat: unlist supporters whose credentials expired, then send the due reminders. Returns (unlisted,
    reminders queued)."""
    now = now or timezone.now()
    return credentials_unlist_expired(now=now), credentials_remind(now=now)
