"""What safety holds about a person, for their export and their account's deletion (privacy.registry;
registered in SafetyConfig.ready()).

Mandatory reports are legal records, kept like financial records:

- A supporter's export includes the reports they filed (with their addenda and where each stands) and
  their backup requests: their own words and actions.
- A seeker's export does not include reports about them, and their deletion's summary doesn't mention
  them: a report is the service's record of a concern, and telling someone a report exists could put the
  person at risk. A seeker who asks is answered by staff, case by case.
- Erasing an account never deletes or changes a report, an addendum or a review (the tables are
  append-only; the database refuses it). The booking and the people it points at stay, anonymised by their
  own apps, so the record stays whole. A supporter's backup notes are erased (they are working notes, not
  records).
"""

from __future__ import annotations

import datetime as dt

from privacy.registry import iso
from supporters.models import SupporterProfile

from .models import BackupRequest, MandatoryReport
from .report_selectors import _with_stage, stage_of


def export_supporter(user) -> dict | None:
    """A supporter's reports and backup requests; one query for anyone who isn't a supporter."""
    supporter_id = SupporterProfile.objects.filter(user=user).values_list("pk", flat=True).first()
    if supporter_id is None:
        return None
    reports = _with_stage(MandatoryReport.objects.filter(supporter_id=supporter_id)).prefetch_related(
        "addenda"
    )
    backups = BackupRequest.objects.filter(supporter_id=supporter_id).order_by("requested_at")
    data = {
        "mandatory_reports": [
            {
                "id": report.pk,
                "booking_id": report.booking_id,
                "concern": report.get_concern_type_display(),
                "filed_at": iso(report.filed_at),
                "what_was_disclosed": report.disclosed,
                "steps_taken": report.steps_taken,
                "addenda": [{"at": iso(a.at), "text": a.text} for a in report.addenda.all()],
                "where_it_stands": stage_of(report),
            }
            for report in reports.order_by("filed_at")
        ],
        "backup_requests": [
            {
                "booking_id": backup.booking_id,
                "requested_at": iso(backup.requested_at),
                "note": backup.note,
                "acknowledged_at": iso(backup.acknowledged_at),
            }
            for backup in backups
        ],
    }
    return data if data["mandatory_reports"] or data["backup_requests"] else None


def erase(user, *, now: dt.datetime) -> None:
    """Reports stay whole (legal records); only the supporter's backup notes are erased."""
    BackupRequest.objects.filter(supporter__user=user).update(note="")


def consequences(user, *, now: dt.datetime) -> list[str]:
    """Told to a supporter only: a seeker is never told whether a report about them exists."""
    if MandatoryReport.objects.filter(supporter__user=user).exists():
        return ["Mandatory reports you filed are kept: they are legal records and can't be deleted."]
    return []
