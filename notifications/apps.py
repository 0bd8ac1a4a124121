import logging

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers receivers and system checks)
        from .publisher import OncePerOutage

        logging.getLogger("channels_redis.pubsub").addFilter(OncePerOutage())
