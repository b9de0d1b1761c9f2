"""Encrypt the private text already stored as plaintext (0008 made the fields encrypted): decline
reasons, the reasons in the booking history, and the seekers' feedback comments.

Reversible: going back decrypts them, so 0008 can turn the columns into plain text columns again.
"""

from django.db import migrations

from peersnet.kernel.encrypted_migrations import encrypt_columns


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0008_encrypt_private_text"),
    ]

    operations = [
        encrypt_columns("bookings_booking", ["decline_reason"]),
        encrypt_columns("bookings_bookingevent", ["reason"]),
        encrypt_columns("bookings_sessionfeedback", ["comment"]),
    ]
