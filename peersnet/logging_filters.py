"""Log filters. Secrets that travel in URLs (gift claim and status tokens, allauth's email-confirmation and
password-reset keys) never reach a log line, nor an error report (peersnet/sentry.py uses ``scrub``)."""

import logging
import re

from celery import current_task
from pythonjsonlogger.json import JsonFormatter

TOKEN_IN_PATH = re.compile(
    r"(/gift/(?:claim|status)/|/accounts/confirm-email/|/accounts/password/reset/key/)[^/\s\"'?#]+"
)


EMAIL = re.compile(r"[\w.%+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+")  # also URL-encoded


def scrub(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1[token]", text)


def scrub_text(text: str) -> str:
    """Tokens in URL paths and email addresses replaced (error reports: Sentry, error emails)."""
    return EMAIL.sub("[email]", scrub(text))


class ScrubSecrets(logging.Filter):
    """Replace gift tokens in a record's message and string arguments (e.g. Django's "Not Found: <path>"
    and the development server's request lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = scrub(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(scrub(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: scrub(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


class CeleryTask(logging.Filter):
    """Add ``task_id`` and ``task_name`` (None outside a task) to every record, so a worker's lines say
    which task run wrote them. Celery's own ``TaskFormatter`` does the same, but only as a text formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        in_task = bool(current_task) and current_task.request is not None
        record.task_id = current_task.request.id if in_task else None
        record.task_name = current_task.name if in_task else None
        return True


class JsonLineFormatter(JsonFormatter):
    """python-json-logger's formatter, writing only the fields listed here.

    Libraries attach objects to records (Django's request logs carry ``request``, whose text holds the full
    path and so a gift token); python-json-logger would write every such extra. An allow-list keeps the
    line to what an operator needs and what has been scrubbed.
    """

    FIELDS = frozenset(
        {"timestamp", "level", "logger", "message", "request_id", "task_id", "task_name", "status_code"}
        | {"exc_info", "stack_info"}
    )

    def add_fields(self, log_data, record, message_dict) -> None:
        super().add_fields(log_data, record, message_dict)
        for key in [key for key in log_data if key not in self.FIELDS]:
            del log_data[key]
