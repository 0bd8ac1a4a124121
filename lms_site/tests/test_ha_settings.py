"""The high-availability variables (docs/deploy.md, "HA set-up"): read as documented, and a value
that cannot work stops the start with a message naming it."""

import subprocess

import pytest

from lms_site.settings import _addresses, redis_channel_layer
from lms_site.testing import servers


def manage(*args, **env) -> subprocess.CompletedProcess:
    return servers.manage(*args, unset={"REDIS_URL"}, **env)


def test_sentinels_are_host_port_pairs():
    assert _addresses("sentinel-1:26379, 10.0.0.2:26380,[::1]:26381") == [
        ("sentinel-1", 26379),
        ("10.0.0.2", 26380),
        ("::1", 26381),
    ]


def test_the_channel_layer_asks_the_sentinels_for_the_primary():
    layer = redis_channel_layer("", "lms", sentinels=[("s1", 26379), ("s2", 26379)], master_name="campus")
    [host] = layer["CONFIG"]["hosts"]
    assert layer["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert host["master_name"] == "campus"
    assert host["sentinels"] == [("s1", 26379), ("s2", 26379)]
    assert "address" not in host


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REDIS_SENTINELS": "sentinel-1"}, "REDIS_SENTINELS='sentinel-1' is not a list like"),
        ({"REDIS_SENTINELS": "s1:26379", "REDIS_URL": "redis://127.0.0.1:6379/0"}, "not both"),
        ({"DATABASE_REPLICA_URL": "sqlite:///replica.sqlite3"}, "a replica is a PostgreSQL streaming replica"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0", "REDIS_PASSWORD": "x"}, "are for Redis Sentinel"),
    ],
    ids=[
        "sentinel without a port",
        "both REDIS_URL and REDIS_SENTINELS",
        "a replica that is not PostgreSQL",
        "a Sentinel password without Sentinel",
    ],
)
def test_a_setting_that_cannot_work_stops_the_start(env, message):
    result = manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
