"""Supporter photos on object storage: uploaded with the production storage settings, served over HTTP.

The S3-compatible server is moto's server mode (``moto_server`` from PyPI), a real HTTP server in its own
process on a free loopback port; the app talks to it through the real django-storages S3 backend and
boto3, exactly as it would to a bucket in production. Nothing is mocked.
"""

import html
import io
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.conftest import free_port
from tests.settings_env import load_settings
from tests.supporters.factories import SupporterFactory

pytestmark = pytest.mark.django_db

BUCKET = "peersnet-media"
KEYS = {"AWS_ACCESS_KEY_ID": "test-access-key", "AWS_SECRET_ACCESS_KEY": "test-secret-key"}


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3-compatible server in its own process, for this module."""
    binary = Path(sys.executable).with_name("moto_server")
    assert binary.exists(), "moto_server comes with the dev dependencies (pip install -e '.[dev]')"
    port = free_port()
    proc = subprocess.Popen(
        [str(binary), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("moto_server did not start") from None
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def bucket(s3_server):
    """The bucket as the README tells an operator to set it up: photos (supporters/) publicly readable."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=BUCKET)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/supporters/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))
    yield client
    client.delete_bucket_policy(Bucket=BUCKET)  # a test may have put one that denies deletes
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def production_storage(settings, monkeypatch, s3_server, bucket):
    """STORAGES, MEDIA_URL and the CSP exactly as settings.py builds them from a production environment."""
    built = load_settings(
        monkeypatch,
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=s3_server,
        AWS_S3_REGION_NAME="us-east-1",
        **KEYS,
    )
    assert built["MEDIA_STORAGE"] == "s3"  # chosen by the presence of a bucket name
    settings.STORAGES = built["STORAGES"]
    settings.MEDIA_URL = built["MEDIA_URL"]
    settings.CONTENT_SECURITY_POLICY = built["CONTENT_SECURITY_POLICY"]
    return built


def get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return exc.code, b"", ""


def test_photo_uploaded_on_profile_page_is_stored_in_the_bucket_and_served_over_http(
    client, production_storage, bucket, s3_server
):
    supporter = SupporterFactory(display_name="Robin")
    TOTP.activate(supporter.user, "JBSWY3DPEHPK3PXP")
    client.force_login(supporter.user)
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), (40, 120, 90)).save(buffer, format="JPEG")
    photo = SimpleUploadedFile("IMG_2044.jpg", buffer.getvalue(), content_type="image/jpeg")
    form = {
        "display_name": "Robin",
        "pronouns": "",
        "intro": "",
        "story": "",
        "time_zone": supporter.time_zone,
    }

    response = client.post(reverse("supporters:manage_profile"), {**form, "photo": photo})

    assert response.status_code == 302
    supporter.refresh_from_db()
    keys = {item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert keys == {supporter.photo_small.name, supporter.photo_medium.name, supporter.photo_large.name}
    # The URL pages show is the bucket's public address, fetched with no credentials at all.
    url = supporter.photo_medium.url
    assert url.startswith(f"{s3_server}/{BUCKET}/supporters/")
    status, body, content_type = get(url)
    assert status == 200
    assert content_type == "image/jpeg"
    assert Image.open(io.BytesIO(body)).size == (320, 320)
    with supporter.photo_medium.open("rb") as stored:
        assert body == stored.read()

    # The public profile shows that URL, and its Content-Security-Policy lets the browser load it.
    page = client.get(reverse("supporters:profile", args=[supporter.pk]))
    assert page.status_code == 200
    assert f'src="{url}"' in page.content.decode()
    img_src = next(
        part
        for part in page.headers["Content-Security-Policy"].split(";")
        if part.strip().startswith("img-src")
    )
    assert s3_server in img_src.split()


def test_replacing_a_photo_deletes_the_old_files_from_the_bucket(
    client, production_storage, bucket, django_capture_on_commit_callbacks
):
    supporter = SupporterFactory(display_name="Robin")
    TOTP.activate(supporter.user, "JBSWY3DPEHPK3PXP")
    client.force_login(supporter.user)
    form = {
        "display_name": "Robin",
        "pronouns": "",
        "intro": "",
        "story": "",
        "time_zone": supporter.time_zone,
    }
    names = []
    for colour in ((200, 0, 0), (0, 0, 200)):
        buffer = io.BytesIO()
        Image.new("RGB", (400, 400), colour).save(buffer, format="JPEG")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("supporters:manage_profile"),
                {**form, "photo": SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")},
            )
        supporter.refresh_from_db()
        names.append(supporter.photo_large.name)

    keys = {item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert names[1] in keys and names[0] not in keys
    assert len(keys) == 3
    assert get(supporter.photo_large.url)[0] == 200


def test_photo_upload_when_the_bucket_fails_says_so_and_changes_nothing(
    client, settings, monkeypatch, s3_server, bucket
):
    """The bucket the settings name does not exist (a typo, or deleted): S3 answers NoSuchBucket."""
    built = load_settings(
        monkeypatch,
        AWS_STORAGE_BUCKET_NAME="no-such-bucket",
        AWS_S3_ENDPOINT_URL=s3_server,
        AWS_S3_REGION_NAME="us-east-1",
        **KEYS,
    )
    settings.STORAGES = built["STORAGES"]
    supporter = SupporterFactory(display_name="Robin")
    TOTP.activate(supporter.user, "JBSWY3DPEHPK3PXP")
    client.force_login(supporter.user)
    buffer = io.BytesIO()
    Image.new("RGB", (400, 400), (0, 90, 0)).save(buffer, format="JPEG")
    form = {"display_name": "Robin Renamed", "pronouns": "", "intro": "", "story": ""}
    photo = SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")

    response = client.post(
        reverse("supporters:manage_profile"), {**form, "time_zone": supporter.time_zone, "photo": photo}
    )

    assert response.status_code == 200
    assert "We couldn't save your photo just now, so nothing was changed." in html.unescape(
        response.content.decode()
    )
    supporter.refresh_from_db()
    assert supporter.display_name == "Robin"
    assert not supporter.photo_large


def test_old_photo_files_that_cannot_be_deleted_do_not_break_the_save(
    client, production_storage, bucket, django_capture_on_commit_callbacks, caplog
):
    """After the save commits, the old files are removed; here the bucket refuses (a policy denies
    deletes), the save still succeeds and the leftover is logged."""
    supporter = SupporterFactory(display_name="Robin")
    TOTP.activate(supporter.user, "JBSWY3DPEHPK3PXP")
    client.force_login(supporter.user)
    form = {
        "display_name": "Robin",
        "pronouns": "",
        "intro": "",
        "story": "",
        "time_zone": supporter.time_zone,
    }

    def upload(colour):
        buffer = io.BytesIO()
        Image.new("RGB", (300, 300), colour).save(buffer, format="JPEG")
        photo = SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("supporters:manage_profile"), {**form, "photo": photo})

    upload((200, 0, 0))
    supporter.refresh_from_db()
    first = supporter.photo_large.name
    bucket.delete_bucket_policy(Bucket=BUCKET)
    bucket.put_bucket_policy(
        Bucket=BUCKET,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:DeleteObject",
                        "Resource": f"arn:aws:s3:::{BUCKET}/*",
                    }
                ],
            }
        ),
    )

    response = upload((0, 0, 200))

    assert response.status_code == 302
    supporter.refresh_from_db()
    assert supporter.photo_large.name != first
    assert "could not delete the old photo file" in caplog.text


def test_only_photos_are_public_in_the_bucket(production_storage, bucket, s3_server):
    """The bucket policy the README gives opens supporters/ only: a future private upload stays private."""
    bucket.put_object(Bucket=BUCKET, Key="private/resume.pdf", Body=b"%PDF-1.4 private")
    assert get(f"{s3_server}/{BUCKET}/private/resume.pdf")[0] == 403


@pytest.mark.parametrize(
    ("variables", "media_url", "origin"),
    [
        ({}, "/media/", None),
        (
            {"AWS_STORAGE_BUCKET_NAME": "pn-media", "AWS_S3_REGION_NAME": "eu-west-1"},
            "https://pn-media.s3.eu-west-1.amazonaws.com/",
            "https://pn-media.s3.eu-west-1.amazonaws.com",
        ),
        (
            {
                "MEDIA_STORAGE": "s3",
                "AWS_STORAGE_BUCKET_NAME": "pn-media",
                "AWS_S3_ENDPOINT_URL": "https://objects.example.net",
                "MEDIA_PUBLIC_URL": "https://media.peersnet.example/",
                "AWS_LOCATION": "uploads",
            },
            "https://media.peersnet.example/uploads/",
            "https://media.peersnet.example",
        ),
    ],
    ids=["local-default", "aws-bucket", "custom-endpoint-and-cdn"],
)
def test_media_settings_follow_the_environment(monkeypatch, variables, media_url, origin):
    built = load_settings(monkeypatch, **variables)
    assert built["MEDIA_URL"] == media_url
    img_src = built["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    if origin is None:
        assert built["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
        assert img_src == ["'self'", "data:"]
    else:
        assert built["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
        assert built["STORAGES"]["default"]["OPTIONS"]["querystring_auth"] is False
        assert origin in img_src
