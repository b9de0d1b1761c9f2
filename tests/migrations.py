"""Helpers for the data-migration tests: go back to a state, write rows with the historical models,
go forward again (the whole graph, as `migrate` would)."""

from contextlib import contextmanager

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_forward():
    """Apply every migration; return the current apps registry."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from django.apps import apps

    return apps


@contextmanager
def migrated_back_to(targets):
    """Migrate back to ``targets``; yield the historical apps of that state; leave the database migrated
    forward again, whatever the test did."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    try:
        yield executor.loader.project_state(targets).apps
    finally:
        migrate_forward()
