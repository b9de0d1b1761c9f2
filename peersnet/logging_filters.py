"""Log filters. Secrets that travel in URLs (gift claim and status tokens) never reach a log line."""

import logging
import re

TOKEN_IN_PATH = re.compile(r"(/gift/(?:claim|status)/)[^/\s\"']+")


def scrub(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1[token]", text)


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
