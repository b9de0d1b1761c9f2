"""On PostgreSQL, also forbid overlapping time ranges per seeker with an exclusion constraint (DESIGN §5).

The partial unique indexes of 0001 hold on every database; this adds the range check where the
database can express it. SQLite has no exclusion constraints, so it is skipped there.
"""

from django.db import migrations

HOLDING = "('requested','payment_pending','confirmed','completed','refunded','no_show')"

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""ALTER TABLE bookings_booking ADD CONSTRAINT booking_seeker_no_overlap
        EXCLUDE USING gist (seeker_id WITH =, tstzrange(start, "end", '[)') WITH &&)
        WHERE (status IN {HOLDING})""",
]
BACKWARD = ["ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS booking_seeker_no_overlap"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
