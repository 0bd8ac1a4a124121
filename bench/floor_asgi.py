"""Our ASGI application plus the floor: a bare Channels consumer at /ws/floor/ that joins one group
and forwards whatever text a raw group_send carries. Same daphne, same layer, same settings (and
the same gc thresholds from lms_site/asgi.py) as the product; only our consumer is taken away."""

import gc
import os

from channels.generic.websocket import AsyncWebsocketConsumer

from lms_site.asgi import application as lms_application

FLOOR_GROUP = "bench.floor"


class FloorConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add(FLOOR_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(FLOOR_GROUP, self.channel_name)

    async def bench_floor(self, message):
        await self.send(text_data=message["text"])


floor = FloorConsumer.as_asgi()


async def application(scope, receive, send):
    if scope["type"] == "websocket" and scope["path"] == "/ws/floor/":
        return await floor(scope, receive, send)
    return await lms_application(scope, receive, send)


if os.environ.get("BENCH_GC_DEFAULT"):
    # A/B switch for bench/fanout.py --gc default: CPython's own thresholds instead of ours.
    gc.set_threshold(700, 10, 10)
