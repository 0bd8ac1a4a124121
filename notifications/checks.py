"""`manage.py check` reports an unreachable REDIS_URL (a warning: requests still work, the live
feed of other processes does not)."""

import redis
from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.compatibility, deploy=False)
def redis_reachable(app_configs, **kwargs):
    if not settings.REDIS_URL:
        return []
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        client.close()
    except redis.RedisError as error:
        return [
            Warning(
                f"REDIS_URL is set but Redis does not answer: {error}",
                hint="Start Redis or unset REDIS_URL. Events are still recorded and replayed on recovery.",
                id="notifications.W001",
            )
        ]
    return []
