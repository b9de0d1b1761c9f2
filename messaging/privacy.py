"""What messaging holds about a person, for their export and their account's deletion (privacy.registry;
registered in MessagingConfig.ready()).

Deletion erases the text of every message the person wrote and of the reports they made, and their
email choice. The conversations stay, with the other person's messages (those are the other person's
words and record), showing the deleted person's messages as removed."""

from __future__ import annotations

import datetime as dt

from .exports import export_for_user
from .models import Message, MessageReport, MessagingPreference

__all__ = ["erase", "export_for_user"]


def erase(user, *, now: dt.datetime) -> None:
    Message.objects.filter(sender=user).update(body="")
    MessageReport.objects.filter(reporter=user).update(reason="")
    MessagingPreference.objects.filter(user=user).delete()
