"""On PostgreSQL the database itself refuses UPDATE and DELETE on the access log (TRUNCATE, which only
an operator or the test runner's flush uses, stays possible). SQLite relies on the model's guards."""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION privacy_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'privacy_accesslog is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER privacy_accesslog_append_only
    BEFORE UPDATE OR DELETE ON privacy_accesslog
    FOR EACH ROW EXECUTE FUNCTION privacy_accesslog_append_only();
"""

ALLOW = """
DROP TRIGGER IF EXISTS privacy_accesslog_append_only ON privacy_accesslog;
DROP FUNCTION IF EXISTS privacy_accesslog_append_only();
"""


def forbid(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID)


def allow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(forbid, allow)]
