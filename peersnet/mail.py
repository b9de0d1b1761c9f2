"""Email backends.

``SiteMessageIdBackend`` is what every message goes through: it stamps a Message-ID in the site's own
domain and hands the message to the delivery backend (``EMAIL_DELIVERY_BACKEND``: SMTP from ``EMAIL_URL``
in production, ``ConsoleAndFileEmailBackend`` in development).

The embedded default, ``ConsoleAndFileEmailBackend``: every message is kept as a file under var/mail/ and
announced on the console in a few readable lines (who, subject, the plain-text body), never as a raw MIME
dump.
"""

import logging
import sys
import traceback

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.core.mail.message import make_msgid
from django.utils.log import AdminEmailHandler

from peersnet.logging_filters import scrub_text


class ConsoleAndFileEmailBackend(FileBackend):
    """Writes each message to ``EMAIL_FILE_PATH`` (one file per connection) and prints a short summary
    with the text body, so links (email confirmation, gift claims) can be followed in development."""

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        for message in email_messages:
            lines = [
                "",
                f"--- email to {', '.join(message.to)}: {message.subject}",
                *str(message.body).strip().splitlines(),
            ]
            if message.attachments:
                names = [
                    part.get_filename() if hasattr(part, "get_filename") else part[0]
                    for part in message.attachments
                ]
                lines.append(f"(attached: {', '.join(str(n) for n in names)})")
            lines.append(f"--- kept in {self._get_filename()}")
            sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()
        return sent


class SiteMessageIdBackend(BaseEmailBackend):
    """Give each message a Message-ID ``<…@EMAIL_MESSAGE_ID_DOMAIN>``, then deliver it with the real backend.

    Django would otherwise use the machine's host name (``web-3.internal``), which leaks the host and
    makes spam filters frown at mail from ``hello@peersnet.example``. A message that already carries a
    Message-ID keeps it, and a message sent twice keeps the one it got the first time.
    """

    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        super().__init__(fail_silently=fail_silently)
        if settings.EMAIL_DELIVERY_BACKEND.endswith(f".{type(self).__name__}"):
            raise ImproperlyConfigured("EMAIL_DELIVERY_BACKEND must be the backend that really sends.")
        self.delivery = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=fail_silently, **kwargs)

    def open(self):
        return self.delivery.open()

    def close(self):
        return self.delivery.close()

    def send_messages(self, email_messages):
        for message in email_messages:
            if not any(name.lower() == "message-id" for name in message.extra_headers):
                message.extra_headers["Message-ID"] = make_msgid(domain=settings.EMAIL_MESSAGE_ID_DOMAIN)
        return self.delivery.send_messages(email_messages)


class ErrorEmailHandler(AdminEmailHandler):
    """Django's error email to ``ADMINS``, without the request.

    Django's own report lists the request's POST data (a message, intake answers), its cookies, path and
    headers. This one says what failed, when, and under which request id (to find the log lines and the
    Sentry report), with the traceback; URL tokens and email addresses are replaced.
    """

    def emit(self, record: logging.LogRecord) -> None:
        if not settings.ADMINS:
            return
        subject = self.format_subject(scrub_text(f"{record.levelname}: {record.getMessage()}"))
        lines = [
            f"{record.levelname} from {record.name}: {scrub_text(record.getMessage())}",
            f"Request id: {getattr(record, 'request_id', None) or '-'}",
        ]
        if record.exc_info:
            lines.append(scrub_text("".join(traceback.format_exception(*record.exc_info))))
        self.send_mail(subject, "\n\n".join(lines), fail_silently=True)
