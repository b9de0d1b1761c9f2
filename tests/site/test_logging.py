import logging

from peersnet.logging_filters import ScrubSecrets, scrub


def test_scrub_hides_gift_tokens_in_paths():
    assert scrub("Not Found: /gift/claim/abcDEF123_-x/") == "Not Found: /gift/claim/[token]/"
    assert scrub('"GET /gift/status/zzz/ HTTP/1.1" 429') == '"GET /gift/status/[token]/ HTTP/1.1" 429'
    assert scrub("/gift/credits/") == "/gift/credits/"


def test_scrub_secrets_filter_rewrites_message_arguments():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "%s: %s",
        ("Too Many Requests", "/gift/claim/s3cr3t/"),
        None,
    )
    assert ScrubSecrets().filter(record)
    assert record.getMessage() == "Too Many Requests: /gift/claim/[token]/"
    assert "s3cr3t" not in record.getMessage()


def test_request_logs_never_contain_a_gift_token(client):
    """The real handler the settings attach to django.request writes the path without the token."""
    import io

    handler = logging.getLogger("django.request").handlers[0]
    stream, handler.stream = handler.stream, io.StringIO()
    try:
        response = client.get("/gift/claim/not-a-real-token-but-secret-shaped/")
        written = handler.stream.getvalue()
    finally:
        handler.stream = stream
    assert response.status_code in (404, 429)
    assert "/gift/claim/[token]/" in written
    assert "secret-shaped" not in written


def test_scrub_hides_allauth_keys_in_paths():
    assert (
        scrub("GET /accounts/confirm-email/MjA:1tXyz:AbC-key/ 200")
        == "GET /accounts/confirm-email/[token]/ 200"
    )
    assert scrub("/accounts/password/reset/key/2x-abc123def/") == "/accounts/password/reset/key/[token]/"
    assert scrub("/accounts/password/reset/") == "/accounts/password/reset/"
