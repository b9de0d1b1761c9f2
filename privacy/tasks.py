from celery import shared_task

from peersnet.kernel.tasks import RETRY_ON_DB_ERROR

from . import services


@shared_task(**RETRY_ON_DB_ERROR)
def build_export(export_id: int) -> None:
    """Build one requested data export and email that it is ready. Safe to run twice (a built export is
    left alone); a lost task is queued again by the person's next request."""
    services.export_build(export_id=export_id)


@shared_task(**RETRY_ON_DB_ERROR)
def purge_expired_exports() -> None:
    """Daily: erase the content of exports whose download link has expired."""
    services.exports_purge_expired()
