"""The embedded default email backend: every message is kept as a file under var/mail/ and announced on
the console in a few readable lines (who, subject, the plain-text body), never as a raw MIME dump."""

import sys

from django.core.mail.backends.filebased import EmailBackend as FileBackend


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
