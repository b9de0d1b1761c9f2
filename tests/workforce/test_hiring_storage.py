"""Resumes on object storage, with the production settings: under the bucket's private/ prefix, never
readable over HTTP, encrypted in the bucket, and downloaded through the permission-checked view. The
S3-compatible server is moto's real server (tests/supporters/test_photo_storage.py)."""

import pytest
from django.urls import reverse

from tests.supporters.test_photo_storage import (  # noqa: F401 (fixtures)
    BUCKET,
    bucket,
    get,
    production_storage,
    s3_server,
)
from tests.workforce.hiring_helpers import application_at, pdf_bytes, staff
from workforce.stages import Stage

pytestmark = pytest.mark.django_db


def test_a_resume_in_the_bucket_is_private_encrypted_and_served_only_through_the_view(client, request):
    built = request.getfixturevalue("production_storage")
    storage = request.getfixturevalue("bucket")
    server = request.getfixturevalue("s3_server")
    assert built["STORAGES"]["private"]["OPTIONS"]["default_acl"] == "private"
    application = application_at(Stage.SUBMITTED)
    key = f"private/{application.resume_file}"
    assert application.resume_file.startswith("resumes/")
    stored = storage.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert b"%PDF" not in stored
    assert get(f"{server}/{BUCKET}/{key}")[0] == 403
    client.force_login(staff("trainer"))
    response = client.get(reverse("workforce:resume", args=[application.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
