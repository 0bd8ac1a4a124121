"""What the real-time path says in the log besides the publisher's outage lines: which channel
layer a server process uses, and a filter for channels-redis' own noise while Redis is away."""

import logging
import time

from django.conf import settings

from lms_site import redis_clients

logger = logging.getLogger(__name__)


def log_channel_layer() -> None:
    """Once per server process, at start-up (lms_site/asgi.py)."""
    backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
    if redis_clients.configured():
        logger.info("Channel layer: Redis (%s), %s, shared by every process.", backend, redis_clients.describe())
    else:
        logger.info("Channel layer: in-process (no REDIS_URL): live delivery reaches this process only.")


class OncePerOutage(logging.Filter):
    """channels_redis' pub/sub receiver logs a traceback every second while Redis is away. Let the
    first through and drop the rest until the logger has been quiet for `quiet` seconds."""

    def __init__(self, quiet: float = 30.0):
        super().__init__()
        self.quiet = quiet
        self.last_seen: float | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        first = self.last_seen is None or now - self.last_seen > self.quiet
        self.last_seen = now
        return first


def install_filters() -> None:
    """Called from NotificationsConfig.ready()."""
    logging.getLogger("channels_redis.pubsub").addFilter(OncePerOutage())
