"""Our ASGI application plus two floors, in the same daphne process, with the same settings and gc
thresholds (lms_site/asgi.py) as the product:

- the bare Channels consumer at /ws/floor/: joins one group and forwards whatever text a raw
  group_send carries; only our consumer is taken away;
- the daphne floor at /ws/raw/ (after ../shared/tools/raw_daphne_floor.py): no Channels, no layer,
  no Redis, no Django. The ASGI app keeps every socket's `send`; GET /bench/raw-fire?id=&bytes=
  writes one text frame of that size to each, in a loop on the server's own loop, and answers with
  the count. The limit of what any application on this daphne can do.
"""

import gc
import json
import os
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncWebsocketConsumer

from lms_site.asgi import application as lms_application

FLOOR_GROUP = "bench.floor"


class FloorConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add(FLOOR_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(FLOOR_GROUP, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        # The connect benchmark's readiness probe: our consumer answers a ping with a pong too.
        await self.send(text_data='{"type": "pong"}')

    async def bench_floor(self, message):
        await self.send(text_data=message["text"])


floor = FloorConsumer.as_asgi()


raw_sends = []


async def raw_socket(scope, receive, send):
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    raw_sends.append(send)
    while (await receive())["type"] != "websocket.disconnect":
        pass
    raw_sends.remove(send)


async def raw_fire(scope, receive, send):
    await receive()
    query = parse_qs(scope["query_string"].decode())
    key, size = int(query["id"][0]), int(query["bytes"][0])
    skeleton = json.dumps({"type": "event", "id": key, "pad": ""})
    text = json.dumps({"type": "event", "id": key, "pad": "x" * max(0, size - len(skeleton))})
    for socket_send in list(raw_sends):
        await socket_send({"type": "websocket.send", "text": text})
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": str(len(raw_sends)).encode()})


async def application(scope, receive, send):
    if scope["type"] == "websocket" and scope["path"] == "/ws/floor/":
        return await floor(scope, receive, send)
    if scope["type"] == "websocket" and scope["path"] == "/ws/raw/":
        return await raw_socket(scope, receive, send)
    if scope["type"] == "http" and scope["path"] == "/bench/raw-fire":
        return await raw_fire(scope, receive, send)
    return await lms_application(scope, receive, send)


if os.environ.get("BENCH_GC_DEFAULT"):
    # A/B switch for bench/fanout.py --gc default: CPython's own thresholds instead of ours.
    gc.set_threshold(700, 10, 10)
