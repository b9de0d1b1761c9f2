"""Export and deletion around mandatory reports (safety/privacy.py): the filing supporter's export has
their reports; a seeker's has none about them and isn't told of any; erasing either account keeps every
report whole."""

import pytest
from django.utils import timezone

from privacy import services as privacy
from safety import services
from safety.models import BackupRequest, MandatoryReport
from tests.safety.people import DISCLOSED, filed, session, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(db):
    supervisor()
    booking = session(status="completed", hours_ahead=-48)
    report = filed(booking)
    services.report_addendum_add(report_id=report.pk, user=booking.supporter.user, text="ADDENDUM-1")
    BackupRequest.objects.create(booking=booking, supporter=booking.supporter, note="BACKUP-NOTE")
    return report


def test_the_supporter_export_has_their_reports_and_the_seeker_export_has_none(report):
    now = timezone.now()
    mine = privacy.export_payload(user=report.supporter.user, now=now)["sections"]["safety"]
    [exported] = mine["mandatory_reports"]
    assert exported["what_was_disclosed"] == DISCLOSED
    assert [a["text"] for a in exported["addenda"]] == ["ADDENDUM-1"]
    assert mine["backup_requests"][0]["note"] == "BACKUP-NOTE"
    seeker = report.booking.seeker.user
    assert "safety" not in privacy.export_payload(user=seeker, now=now)["sections"]
    assert DISCLOSED not in str(privacy.export_payload(user=seeker, now=now))
    assert not any("report" in line for line in privacy.deletion_consequences(user=seeker, now=now))
    assert any(
        "legal records" in line for line in privacy.deletion_consequences(user=report.supporter.user, now=now)
    )


@pytest.mark.parametrize("whose", ["seeker", "supporter"])
def test_erasing_an_account_keeps_the_report_whole(report, whose, django_capture_on_commit_callbacks):
    user = report.booking.seeker.user if whose == "seeker" else report.supporter.user
    with django_capture_on_commit_callbacks(execute=True):
        privacy.account_erase(user_id=user.pk, by=None)
    kept = MandatoryReport.objects.get(pk=report.pk)
    assert (kept.disclosed, kept.booking_id) == (DISCLOSED, report.booking_id)
    assert list(kept.addenda.values_list("text", flat=True)) == ["ADDENDUM-1"]
    note = BackupRequest.objects.get().note
    assert note == ("" if whose == "supporter" else "BACKUP-NOTE")
