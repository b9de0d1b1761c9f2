"""Encrypt the intake answers already stored as plaintext (0003 made the fields encrypted).

Reversible: going back decrypts them, so 0003 can turn the columns into plain text columns again.
"""

from django.db import migrations

from peersnet.kernel.encrypted_migrations import encrypt_columns


class Migration(migrations.Migration):
    dependencies = [
        ("seekers", "0003_encrypt_private_text"),
    ]

    operations = [
        encrypt_columns(
            "seekers_intake",
            ["preferred_name", "pronouns", "hopes", "emergency_contact_name", "emergency_contact_phone"],
        ),
    ]
