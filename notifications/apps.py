from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from . import (  # noqa: F401  (registers receivers and system checks)
            checks,
            live,
            signals,
        )
        from .delivery import admin  # noqa: F401  (registers the delivery admin)
        from .logging import install_filters

        install_filters()
