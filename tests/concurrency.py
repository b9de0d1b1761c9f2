"""Races against a real PostgreSQL: each call in its own thread (so its own connection), released together."""

import threading

import pytest
from django.db import connection, connections

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL, as in CI")


def race(calls) -> list:
    """Run each call in its own thread, released together; returns each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # collected and asserted on by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
