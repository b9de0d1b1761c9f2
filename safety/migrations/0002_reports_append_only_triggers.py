"""The database itself refuses to change or delete a mandatory report, an addendum or a review.

PostgreSQL: a trigger on each table refuses DELETE, and refuses UPDATE of any plain column. The encrypted
columns may be rewritten only by ``manage.py rotate_encryption_keys``, which marks its transactions with
``set_config('peersnet.reencrypting', 'on', true)``: re-encrypting the same text under a newer key is the
one change allowed (the database can't read the text, so it trusts that marker). TRUNCATE, which only an
operator or the test runner's flush uses, stays possible.

SQLite (development and part of the test runs): a trigger refuses UPDATE of any plain column. UPDATE of
the encrypted columns (key rotation has no way to mark itself there) and DELETE (Django's test flush
deletes every row) are refused by the models and their querysets only. docs/safety-reports.md says so.
"""

from django.db import migrations

# table -> (plain columns that never change, encrypted columns only key rotation rewrites)
TABLES = {
    "safety_mandatoryreport": (["id", "booking_id", "supporter_id", "concern_type", "filed_at"], ["disclosed", "steps_taken"]),
    "safety_reportaddendum": (["id", "report_id", "by_id", "at"], ["text"]),
    "safety_reportreview": (
        ["id", "report_id", "kind", "by_id", "at", "reported_at"],
        ["agency_name", "reference", "reason"],
    ),
}


def _row(prefix: str, columns: list[str]) -> str:
    return "(" + ", ".join(f"{prefix}.{column}" for column in columns) + ")"


def _postgresql_forbid(table: str, plain: list[str], encrypted: list[str]) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '{table} is append-only: rows can''t be deleted';
    END IF;
    IF {_row("NEW", plain)} IS DISTINCT FROM {_row("OLD", plain)} THEN
        RAISE EXCEPTION '{table} is append-only: rows can''t be changed';
    END IF;
    IF {_row("NEW", encrypted)} IS DISTINCT FROM {_row("OLD", encrypted)}
       AND current_setting('peersnet.reencrypting', true) IS DISTINCT FROM 'on' THEN
        RAISE EXCEPTION '{table} is append-only: rows can''t be changed';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
"""


def _sqlite_forbid(table: str, plain: list[str]) -> str:
    changed = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in plain)
    return f"""
CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table}
WHEN {changed}
BEGIN
    SELECT RAISE(ABORT, '{table} is append-only: rows can''t be changed');
END;
"""


def forbid(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, (plain, encrypted) in TABLES.items():
        if vendor == "postgresql":
            schema_editor.execute(_postgresql_forbid(table, plain, encrypted))
        elif vendor == "sqlite":
            schema_editor.execute(_sqlite_forbid(table, plain))


def allow(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_append_only();")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only;")


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]
    operations = [migrations.RunPython(forbid, allow)]
