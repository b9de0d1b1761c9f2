"""Link tokens: 256 random bits, shown once in an email; only their SHA-256 is stored."""

import hashlib
import re
import secrets

TOKEN_BYTES = 32
# secrets.token_urlsafe(32) is 43 characters of the URL-safe base64 alphabet.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def token_new() -> tuple[str, str]:
    """A fresh (raw token, hash). Put the raw token in the email, store the hash."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    return raw, token_hash(raw)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_hash_or_none(raw: str | None) -> str | None:
    """The hash of a well-formed token; None for anything else (truncated, padded, other alphabets), so
    malformed tokens never reach the database."""
    if not raw or not TOKEN_RE.match(raw):
        return None
    return token_hash(raw)
