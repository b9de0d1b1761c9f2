from django.db import models


class Heartbeat(models.Model):
    """When beat last sent the heartbeat task, and how the workers are keeping up with it.

    Two rows at most, one per process role:

    - ``beat``: ``at`` is when beat last sent a heartbeat (written by beat itself, just before it hands the
      message to Redis; see ``health.signals``). A stale ``at`` means beat is not running its schedule.
    - ``worker``: ``at`` is when a worker last ran a heartbeat; ``waiting_since`` is when beat sent the
      oldest heartbeat that no worker has run yet (set by beat, cleared by the worker), empty when the
      workers are caught up. A long wait means no worker is taking tasks off the queue. Because the wait
      is counted from what beat sent, a stopped beat never makes a healthy worker look dead.

    Times come from the clock of the process that writes them (beat's or the worker's host): keep hosts
    on NTP; the thresholds are minutes.
    """

    class Name(models.TextChoices):
        BEAT = "beat", "Beat (scheduler)"
        WORKER = "worker", "Celery worker"

    name = models.CharField(max_length=10, choices=Name.choices, primary_key=True)
    at = models.DateTimeField(null=True, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "system health"  # the admin page shows the component report

    def __str__(self) -> str:
        return f"{self.name} at {self.at}"
