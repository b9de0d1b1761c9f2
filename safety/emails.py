"""safety's emails. None carries the words of a message, an intake answer or a report, and no subject
says what the item is about: a supervisor opens the site to read it."""

from django.conf import settings
from django.urls import reverse

from notifications.services import Email, notification_queue_many
from privacy.roles import supervisor_users


def email_flag_overdue(*, flag_id: int) -> None:
    """To every supervisor: an item in the queue is past its deadline unacknowledged. One outbox row per
    flag and supervisor (the key), queued in the caller's transaction."""
    subject = "An item in the supervisor queue needs you"
    url = settings.SITE_URL + reverse("safety:flag", args=[flag_id])
    notification_queue_many(
        [
            Email(
                key=f"safety-flag-overdue-{flag_id}-{user.pk}",
                to=user.email,
                subject=subject,
                template="email/notice",
                context={
                    "subject": subject,
                    "name": user.get_short_name(),
                    "lines": [
                        "An item in the supervisor queue has passed its deadline and nobody has "
                        "acknowledged it yet.",
                        "Please sign in, open it and acknowledge it. The details are only on the site.",
                    ],
                    "action_label": "Open it on peersnet",
                    "action_url": url,
                },
            )
            for user in supervisor_users()
        ]
    )
