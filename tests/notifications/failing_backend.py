from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses everything: no local SMTP server can be made to fail on demand."""

    def send_messages(self, email_messages):
        raise ConnectionError("mail server said no")
