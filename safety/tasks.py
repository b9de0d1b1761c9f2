from celery import shared_task

from peersnet.kernel.tasks import RETRY_ON_DB_ERROR

from . import services


@shared_task(**RETRY_ON_DB_ERROR)
def escalate_overdue_flags() -> None:
    """Every minute: email every supervisor about each crisis flag past its deadline unacknowledged, once
    per flag. Safe to overlap (a conditional update claims each flag)."""
    services.flags_escalate_overdue()


@shared_task(**RETRY_ON_DB_ERROR)
def escalate_overdue_reports() -> None:
    """Every five minutes: escalate each mandatory report still unacknowledged past its deadline to every
    supervisor and the operations team, once per report. Safe to overlap (a unique row claims each)."""
    services.reports_escalate_overdue()
