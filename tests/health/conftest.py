"""Fixtures for the health tests: a database that cannot be reached, and a log catcher."""

import logging

import pytest
from django.db import connections
from django.db.utils import load_backend

from tests.conftest import free_port


@pytest.fixture
def unreachable_database():
    """Swap the ``default`` connection for one that cannot connect, for the length of the test.

    PostgreSQL: the same settings with the port of a closed loopback socket (connection refused).
    SQLite: a file in a directory that does not exist ("unable to open database file"). The test's own
    connection is put back afterwards untouched; nothing is mocked: the driver really fails to connect.
    """
    original = connections["default"]
    broken_settings = dict(original.settings_dict)
    if original.vendor == "postgresql":
        broken_settings.update(HOST="127.0.0.1", PORT=str(free_port()))
    else:
        broken_settings.update(NAME="/nonexistent-peersnet-dir/peersnet.sqlite3")
    broken = load_backend(broken_settings["ENGINE"]).DatabaseWrapper(broken_settings, "default")
    connections["default"] = broken
    try:
        yield
    finally:
        broken.close()
        connections["default"] = original


class _ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def log_records():
    """Every record reaching the root logger or the loggers that don't propagate (``django.request``)."""
    handler = _ListHandler()
    loggers = [logging.getLogger(), logging.getLogger("django.request"), logging.getLogger("django.security")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler.records
    for logger in loggers:
        logger.removeHandler(handler)
