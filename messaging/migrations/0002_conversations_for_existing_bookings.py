"""Every seeker and supporter who already had a booking together gets their conversation."""

from django.db import migrations
from django.db.models import Max


def forwards(apps, schema_editor):
    Booking = apps.get_model("bookings", "Booking")
    Conversation = apps.get_model("messaging", "Conversation")
    pairs = Booking.objects.values("seeker_id", "supporter_id").annotate(last_end=Max("end"))
    for pair in pairs.iterator():
        Conversation.objects.get_or_create(
            seeker_id=pair["seeker_id"],
            supporter_id=pair["supporter_id"],
            defaults={"last_session_end": pair["last_end"]},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0001_initial"),
        ("bookings", "0007_money_reads_refunded"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
