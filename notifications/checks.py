"""`manage.py check` reports an unreachable Redis, REDIS_URL or REDIS_SENTINELS (a warning: requests
still work, the live feed of other processes does not)."""

import redis
from django.core.checks import Tags, Warning, register

from lms_site import redis_clients


@register(Tags.compatibility, deploy=False)
def redis_reachable(app_configs, **kwargs):
    if not redis_clients.configured():
        return []
    try:
        with redis_clients.connection(timeout=1) as client:
            client.ping()
    except redis.RedisError as error:
        return [
            Warning(
                f"Redis ({redis_clients.describe()}) does not answer: {error}",
                hint=(
                    "Start Redis or unset REDIS_URL and REDIS_SENTINELS. "
                    "Events are still recorded and replayed on recovery."
                ),
                id="notifications.W001",
            )
        ]
    return []
