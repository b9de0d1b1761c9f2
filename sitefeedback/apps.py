from django.apps import AppConfig


class SiteFeedbackConfig(AppConfig):
    name = "sitefeedback"
    verbose_name = "Site feedback"
