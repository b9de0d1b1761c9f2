from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.data_home_view, name="home"),
    path("export/", views.export_request_view, name="export_request"),
    path("export/<uuid:public_id>/", views.export_download_view, name="export_download"),
    path("delete/", views.delete_account_view, name="delete"),
    path("deleted/", views.deleted_view, name="deleted"),
]
