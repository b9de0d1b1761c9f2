import pytest

from tests.matching.helpers import frozen, tags  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
