"""A person's own data: the export (a JSON copy, built by a task, downloaded by its owner until the link
expires) and account deletion (every app erases its part, then the user row is anonymised).

What each app holds is exported and erased by that app (privacy.registry); this module runs them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.services import ERASED_DOMAIN, Email, notification_queue, notifications_erase_recipient
from peersnet.errors import DomainError
from peersnet.kernel.enqueue import enqueue_on_commit

from . import registry
from .models import DataExport, Erasure

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "peersnet-export-1"
# A pending export older than this lost its task (a broker outage, a dead worker): a new request
# queues it again instead of waiting for ever.
EXPORT_STALE_AFTER = dt.timedelta(minutes=10)


class PrivacyError(DomainError):
    pass


def export_link_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.DATA_EXPORT_LINK_DAYS)


# --- Export ------------------------------------------------------------------------------------------


@transaction.atomic
def export_request(*, user: User, now: dt.datetime | None = None) -> DataExport:
    """The person asks for a copy of their data. Returns the export being prepared; a second request
    while one is pending starts nothing new (one that waited longer than EXPORT_STALE_AFTER is queued
    again). Locks the user row. Builds it in a task queued after commit (inline in development)."""
    now = now or timezone.now()
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise PrivacyError(_("This account has been closed."), code="account_closed")
    pending = DataExport.objects.filter(user=user, status=DataExport.Status.PENDING).first()
    if pending is not None:
        if pending.requested_at <= now - EXPORT_STALE_AFTER:
            _queue_build(pending)
        return pending
    try:
        with transaction.atomic():
            export = DataExport.objects.create(user=user, requested_at=now)
    except IntegrityError:  # cannot happen under the user lock; kept as the database's word on it
        return DataExport.objects.get(user=user, status=DataExport.Status.PENDING)
    _queue_build(export)
    return export


def _queue_build(export: DataExport) -> None:
    from .tasks import build_export  # tasks import this module

    enqueue_on_commit(build_export, export.pk)


def export_payload(*, user: User, now: dt.datetime) -> dict:
    """Everything the registered apps hold about ``user``, section by section (empty sections left out)."""
    sections: dict = {}
    for section in registry.sections():
        if section.exporter is None:
            continue
        data = section.exporter(user)
        if data:
            # Plain JSON values only (labels may be lazy translations).
            sections[section.name] = json.loads(json.dumps(data, default=str))
    return {
        "format": EXPORT_FORMAT,
        "generated_at": registry.iso(now),
        "time_zone": user.time_zone,
        "note": "Times are in UTC (ending in Z); time_zone is the zone you see them in on peersnet.",
        "sections": sections,
    }


@transaction.atomic
def export_build(*, export_id: int, now: dt.datetime | None = None) -> DataExport:
    """Build a pending export: the JSON, stored encrypted in the row, ready for DATA_EXPORT_LINK_DAYS,
    and one email saying it is ready (with a link to the data page, none of the data). Safe to run twice:
    anything but a pending export is left alone. Locks the export row."""
    now = now or timezone.now()
    export = DataExport.objects.select_for_update().select_related("user").get(pk=export_id)
    if export.status != DataExport.Status.PENDING or not export.user.is_active:
        return export
    content = json.dumps(export_payload(user=export.user, now=now), indent=2, ensure_ascii=False, default=str)
    export.content = content
    export.size_bytes = len(content.encode())
    export.status = DataExport.Status.READY
    export.ready_at = now
    export.expires_at = now + export_link_lifetime()
    export.save()
    subject = "Your data export is ready"
    notification_queue(
        Email(
            key=f"privacy-export-{export.pk}-ready",
            to=export.user.email,
            subject=subject,
            template="email/notice",
            context={
                "subject": subject,
                "name": export.user.get_short_name(),
                "lines": [
                    "The copy of your data you asked for is ready. Download it from your account "
                    f"within {settings.DATA_EXPORT_LINK_DAYS} days."
                ],
                "action_label": "Your data",
                "action_url": settings.SITE_URL + reverse("privacy:home"),
            },
        )
    )
    return export


class ExportExpired(PrivacyError):
    pass


@transaction.atomic
def export_download(*, export: DataExport, now: dt.datetime | None = None) -> str:
    """The JSON of a ready export, counting the download. ExportExpired once its link has expired.
    The caller has checked that ``export`` is the viewer's own."""
    now = now or timezone.now()
    export = DataExport.objects.select_for_update().get(pk=export.pk)
    if export.status == DataExport.Status.PENDING:
        raise PrivacyError(_("Your export is still being prepared."), code="pending")
    if export.is_expired(now):
        raise ExportExpired(
            _("This download link has expired. You can ask for a new copy of your data below."),
            code="expired",
        )
    export.download_count += 1
    export.last_downloaded_at = now
    export.save(update_fields=["download_count", "last_downloaded_at"])
    return export.content


def exports_purge_expired(*, now: dt.datetime | None = None) -> int:
    """Erase the content of every export whose link has expired. Safe to run twice."""
    now = now or timezone.now()
    return DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now).update(
        status=DataExport.Status.EXPIRED, content="", size_bytes=0
    )


def export_latest(*, user: User) -> DataExport | None:
    return DataExport.objects.filter(user=user).order_by("-requested_at", "-pk").first()


# --- Deletion ----------------------------------------------------------------------------------------


def placeholder_email(user_id: int) -> str:
    """The address a deleted account keeps: unique, and at a reserved domain nobody receives mail at."""
    return f"deleted-{user_id}@{ERASED_DOMAIN}"


def self_deletion_allowed(user: User) -> bool:
    """Seekers delete their own account; supporters and staff ask staff (their sessions, pay and access
    need a person to look at them)."""
    return user.is_active and not user.is_staff and not user.is_superuser and not hasattr(user, "supporter")


def deletion_consequences(*, user: User, now: dt.datetime) -> list[str]:
    """What deleting the account would do now, one sentence each, from each app's own rules."""
    lines: list[str] = []
    for section in registry.sections():
        if section.consequences is not None:
            lines.extend(section.consequences(user, now=now))
    return lines


@transaction.atomic
def account_erase(*, user_id: int, by: User | None, now: dt.datetime | None = None) -> Erasure:
    """Delete an account: lock the user row (the lock booking requests take first, so none can slip in),
    let every app erase its part in order (bookings cancels future sessions through its normal services,
    with their emails and refunds), then erase the person's exports and outbox emails, remove their email
    addresses and two-factor devices, and anonymise the user row (unusable password, inactive, no staff
    rights, a placeholder address), which ends every session. Payment and booking rows stay, pointing at
    the anonymised user. Safe to repeat: a second call returns the first Erasure. Network work (Stripe)
    is queued by the apps for after commit."""
    now = now or timezone.now()
    user = User.objects.select_for_update().get(pk=user_id)
    done = Erasure.objects.filter(user=user).first()
    if done is not None:
        return done
    address = user.email
    for section in registry.sections():
        if section.eraser is not None:
            section.eraser(user, now=now)
    placeholder = placeholder_email(user.pk)
    DataExport.objects.filter(user=user).update(status=DataExport.Status.EXPIRED, content="", size_bytes=0)
    notifications_erase_recipient(address=address, placeholder=placeholder)
    for other in EmailAddress.objects.filter(user=user).values_list("email", flat=True):
        if other.lower() != address.lower():
            notifications_erase_recipient(address=other, placeholder=placeholder)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.email = placeholder
    user.first_name = ""
    user.date_of_birth = None
    user.time_zone = settings.DEFAULT_USER_TIME_ZONE
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()  # changes the session hash: every signed-in session ends
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    erasure = Erasure.objects.create(user=user, erased_at=now, by=by, by_staff=by is not None and by != user)
    logger.info("account %s deleted (by %s)", user.pk, "staff" if erasure.by_staff else "the person")
    return erasure


# --- The account itself (registered by PrivacyConfig.ready) -------------------------------------------


def export_account(user: User) -> dict:
    """The account's own fields: who they are to us and how they sign in (never a password or secret)."""
    return {
        "email": user.email,
        "first_name": user.first_name,
        "date_of_birth": registry.iso(user.date_of_birth),
        "time_zone": user.time_zone,
        "joined_at": registry.iso(user.date_joined),
        "last_login_at": registry.iso(user.last_login),
        "terms_accepted_at": registry.iso(user.terms_accepted_at),
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "two_factor_methods": sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)),
    }
