"""Run peersnet/settings.py afresh with a given environment and return what it defines.

Tests of production configuration (object storage, deployment checks, ADMINS, logging) use it so they
exercise the real settings code with the variables an operator would set, not a hand-written copy.
"""

import runpy
from pathlib import Path

import peersnet

SETTINGS_FILE = Path(peersnet.__file__).with_name("settings.py")

# Variables that change what settings.py builds; each load starts with none of them unless given.
PRODUCTION_VARIABLES = [
    "ADMINS",
    "AWS_ACCESS_KEY_ID",
    "AWS_DEFAULT_ACL",
    "AWS_LOCATION",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_STORAGE_BUCKET_NAME",
    "EMAIL_URL",
    "FIELD_ENCRYPTION_KEYS",
    "LOG_FORMAT",
    "MEDIA_PUBLIC_URL",
    "MEDIA_STORAGE",
    "SENTRY_DSN",
    "SENTRY_ENVIRONMENT",
    "SENTRY_TRACES_SAMPLE_RATE",
    "SITE_URL",
]


def load_settings(monkeypatch, **variables: str) -> dict:
    """The module-level names settings.py defines under ``variables`` (on top of the test environment)."""
    for name in PRODUCTION_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    variables.setdefault("DEBUG", "true")  # a SECRET_KEY is then not needed; production tests pass "false"
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))
