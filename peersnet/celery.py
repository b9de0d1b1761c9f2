"""The Celery app. Configuration comes from Django settings (``CELERY_*``), including the beat schedule."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersnet.settings")

app = Celery("peersnet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
