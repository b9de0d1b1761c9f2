import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations, models


def fill_instants(apps, schema_editor):
    """Existing leaves get the instants their dates begin and end in their supporter's zone."""
    Leave = apps.get_model("supporters", "LeaveOfAbsence")
    for leave in Leave.objects.select_related("supporter"):
        tz = ZoneInfo(leave.supporter.time_zone)

        def midnight(day, tz=tz):
            return dt.datetime.combine(day, dt.time()).replace(tzinfo=tz).astimezone(dt.UTC)

        leave.starts_at = midnight(leave.start_date)
        leave.ends_at = midnight(leave.end_date + dt.timedelta(days=1)) if leave.end_date else None
        leave.save(update_fields=["starts_at", "ends_at"])


class Migration(migrations.Migration):
    dependencies = [("supporters", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="leaveofabsence",
            name="ends_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="leaveofabsence",
            name="starts_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(fill_instants, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="leaveofabsence",
            name="starts_at",
            field=models.DateTimeField(editable=False),
        ),
        migrations.AddIndex(
            model_name="leaveofabsence",
            index=models.Index(fields=["supporter", "starts_at"], name="leave_supporter_starts_idx"),
        ),
    ]
