"""Encrypt the private text already stored as plaintext (0010 made the fields encrypted): decline
reasons and the reasons in the booking history (feedback comments: 0009).

Reversible: going back decrypts them, so 0010 can turn the columns into plain text columns again.
"""

from django.db import migrations

from peersnet.kernel.encrypted_migrations import encrypt_columns


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0010_encrypt_private_text"),
    ]

    operations = [
        encrypt_columns("bookings_booking", ["decline_reason"]),
        encrypt_columns("bookings_bookingevent", ["reason"]),
    ]
