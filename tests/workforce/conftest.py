"""Hiring tests keep their private files in a temporary directory."""

import pytest

from tests.workforce.hiring_helpers import private_files_in


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    private_files_in(settings, tmp_path / "private")
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "private"
