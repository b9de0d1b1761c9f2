"""The access log is append-only: not through the model, not through a queryset, not (PostgreSQL) in SQL."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from privacy import access
from privacy.models import AccessLog, AppendOnlyError
from tests.factories import StaffFactory, UserFactory


@pytest.fixture
def row(db):
    staff = StaffFactory()
    request = RequestFactory().get("/admin/seekers/intake/1/change/")
    request.user = staff
    subject = UserFactory()
    return access.record_read(request=request, obj=subject, record=f"Account {subject.pk}")


def test_a_read_records_who_what_and_the_page(row):
    assert row.kind == AccessLog.Kind.READ
    assert row.page == "/admin/seekers/intake/1/change/"
    assert AccessLog.objects.count() == 1


def test_rows_cannot_be_changed_or_deleted_through_the_app(row):
    row.record = "edited"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=row.pk).update(record="edited")
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get().record.startswith("Account ")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_update_and_delete_in_sql(row):
    for sql in ["UPDATE privacy_accesslog SET record = 'x'", "DELETE FROM privacy_accesslog"]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AccessLog.objects.get().record.startswith("Account ")
