"""Redis Sentinel whose servers ask for passwords (REDIS_PASSWORD for the primary and its replica,
REDIS_SENTINEL_PASSWORD for the Sentinels): a real primary, replica and three Sentinels that all
refuse a client without them. The site's own clients (lms_site/redis_clients.py) and the channel
layer (settings.redis_channel_layer) log in with them; without them, nothing gets through."""

import asyncio

import pytest
import redis
from channels_redis.pubsub import RedisPubSubChannelLayer

from lms_site import redis_clients
from lms_site.settings import _addresses, redis_channel_layer
from lms_site.testing.sentinel import MASTER_NAME, SentinelRedis
from lms_site.testing.servers import run_async

PASSWORD, SENTINEL_PASSWORD = "primary-secret", "sentinel-secret"


@pytest.fixture(scope="module")
def guarded():
    server = SentinelRedis(password=PASSWORD, sentinel_password=SENTINEL_PASSWORD).start()
    yield server
    server.stop()


@pytest.fixture
def sentinel_settings(settings, guarded):
    settings.REDIS_URL = ""
    settings.REDIS_SENTINELS = _addresses(guarded.env["REDIS_SENTINELS"])
    settings.REDIS_SENTINEL_MASTER = MASTER_NAME
    settings.REDIS_PASSWORD, settings.REDIS_SENTINEL_PASSWORD = PASSWORD, SENTINEL_PASSWORD
    return settings


def layer_round_trip(settings, password: str, sentinel_password: str) -> dict:
    config = redis_channel_layer(
        "",
        "lms-test",
        sentinels=settings.REDIS_SENTINELS,
        master_name=MASTER_NAME,
        password=password,
        sentinel_password=sentinel_password,
    )

    async def round_trip():
        layer = RedisPubSubChannelLayer(**config["CONFIG"])
        try:
            channel = await layer.new_channel()
            await layer.group_add("course-1", channel)
            await layer.group_send("course-1", {"type": "event.new", "id": 7})
            return await asyncio.wait_for(layer.receive(channel), 5)
        finally:
            await layer.flush()

    return run_async(round_trip)


def test_the_sites_clients_log_in_to_the_sentinels_and_the_primary(sentinel_settings, guarded):
    with redis_clients.connection(timeout=2) as client:
        client.set("lms-test", "yes")
        assert client.get("lms-test") == b"yes"

    async def ping():
        return await redis_clients.for_this_loop().ping()

    assert run_async(ping) is True
    assert guarded.client_of_primary().get("lms-test") == b"yes"


def test_the_channel_layer_logs_in(sentinel_settings):
    assert layer_round_trip(sentinel_settings, PASSWORD, SENTINEL_PASSWORD) == {"type": "event.new", "id": 7}


@pytest.mark.parametrize(
    ("password", "sentinel_password"),
    [("", SENTINEL_PASSWORD), (PASSWORD, ""), ("wrong", SENTINEL_PASSWORD)],
    ids=["no primary password", "no sentinel password", "a wrong primary password"],
)
def test_without_the_right_passwords_nothing_gets_through(sentinel_settings, password, sentinel_password):
    sentinel_settings.REDIS_PASSWORD, sentinel_settings.REDIS_SENTINEL_PASSWORD = password, sentinel_password
    with pytest.raises(redis.RedisError), redis_clients.connection(timeout=2) as client:
        client.ping()
    if sentinel_password:  # (the layer keeps asking Sentinels that refuse it for a while: not repeated here)
        with pytest.raises(redis.RedisError):
            layer_round_trip(sentinel_settings, password, sentinel_password)
