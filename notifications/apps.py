from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from . import checks, signals, upcoming  # noqa: F401  (registers receivers, checks, live parts)
        from .logging import install_filters

        install_filters()
