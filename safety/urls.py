from django.urls import path

from .views import flags, queue

app_name = "safety"

urlpatterns = [
    path("supervisor/queue/", queue.queue_view, name="queue"),
    path("supervisor/flags/<id:flag_id>/", flags.flag_view, name="flag"),
    path("supervisor/flags/<id:flag_id>/acknowledge/", flags.flag_acknowledge_view, name="flag_acknowledge"),
    path("supervisor/flags/<id:flag_id>/close/", flags.flag_close_view, name="flag_close"),
]
