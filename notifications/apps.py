from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # Registers receivers, system checks and live-parts renderers.
        from . import checks, live_grades, signals  # noqa: F401
        from .logging import install_filters

        install_filters()
