# The seeker's comment on a session is encrypted at rest (issue 16). Existing comments are encrypted in
# place first, while the historical field still reads them as plain text; the column type stays text.

from django.db import migrations

import peersnet.kernel.crypto


def encrypt_existing(apps, schema_editor):
    from peersnet.kernel.crypto import encrypt

    SessionFeedback = apps.get_model("bookings", "SessionFeedback")
    for pk, comment in SessionFeedback.objects.values_list("pk", "comment").iterator():
        SessionFeedback.objects.filter(pk=pk).update(comment=encrypt(comment or ""))


def decrypt_existing(apps, schema_editor):
    from peersnet.kernel.crypto import decrypt

    SessionFeedback = apps.get_model("bookings", "SessionFeedback")
    # Here the historical field is plain text again, so it reads the tokens as they are stored.
    for pk, token in SessionFeedback.objects.values_list("pk", "comment").iterator():
        SessionFeedback.objects.filter(pk=pk).update(comment=decrypt(token) if token else "")


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0008_feedback_rating'),
    ]

    operations = [
        migrations.RunPython(encrypt_existing, decrypt_existing),
        migrations.AlterField(
            model_name='sessionfeedback',
            name='comment',
            field=peersnet.kernel.crypto.EncryptedTextField(blank=True, max_length=2000),
        ),
    ]
