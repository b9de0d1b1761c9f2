"""Django's error emails go to ADMINS and carry no request data, email addresses or URL tokens."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.site.failing_urls")]

INTAKE_ANSWER = "I have been feeling hopeless since my brother died"


def test_server_error_emails_admins_the_traceback_and_request_id_without_personal_data(
    client, settings, mailoutbox
):
    settings.DEBUG = False
    settings.ADMINS = [("Ops", "ops@peersnet.example")]
    client.raise_request_exception = False
    client.cookies["sessionid"] = "cookie-secret-value"
    request_id = "9f0c1b9e-6f3d-4a3c-9b1d-2e3f4a5b6c7d"

    response = client.post(
        "/gift/claim/claim-token-secret/?email=jordan%40example.com",
        {"why": INTAKE_ANSWER},
        HTTP_X_REQUEST_ID=request_id,
    )

    assert response.status_code == 500
    [message] = mailoutbox
    assert message.to == ["ops@peersnet.example"]
    assert message.subject.endswith("ERROR: Internal Server Error: /gift/claim/[token]/")
    assert f"Request id: {request_id}" in message.body
    assert "RuntimeError: could not save the intake of [email]" in message.body
    assert "Traceback (most recent call last)" in message.body
    sent = message.subject + message.body + "".join(body for body, _type in message.alternatives)
    for secret in (INTAKE_ANSWER, "claim-token-secret", "cookie-secret-value", "maya.lopez", "jordan"):
        assert secret not in sent


def test_without_admins_no_error_email_is_sent(client, settings, mailoutbox):
    settings.DEBUG = False
    settings.ADMINS = []
    client.raise_request_exception = False
    assert client.get("/gift/claim/x/").status_code == 500
    assert mailoutbox == []
