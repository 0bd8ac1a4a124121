from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # Registers receivers, system checks, live-parts renderers and the delivery admin.
        from . import checks, live, live_analytics, live_grades, live_seats, payments, signals, upcoming  # noqa: F401
        from .delivery import admin  # noqa: F401
        from .logging import install_filters

        install_filters()
