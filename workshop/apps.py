from django.apps import AppConfig


class WorkshopConfig(AppConfig):
    name = "workshop"
    verbose_name = "Workshop"

    def ready(self):
        from workshop import checks  # noqa: F401  (registers the system checks)
        from workshop.celery import app  # noqa: F401  (tasks queued from the web use this app's broker)
