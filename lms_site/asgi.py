"""HTTP and WebSocket routing for daphne."""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms_site.settings")

import django

django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application does

from lms_site.http_slots import BoundedASGIHandler  # noqa: E402

django_asgi_app = BoundedASGIHandler()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import SessionMiddlewareStack  # noqa: E402
from django.urls import path  # noqa: E402

from lms_site.origins import SiteOriginValidator  # noqa: E402
from notifications.admission import AdmissionMiddleware  # noqa: E402
from notifications.consumers import ActivityConsumer  # noqa: E402
from notifications.fanout import with_server_send  # noqa: E402
from notifications.logging import log_channel_layer  # noqa: E402
from notifications.publisher import capture_server_loop  # noqa: E402

router = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Frames go straight to daphne (fanout.with_server_send, outermost); admission control
        # before anything is read; the session only: the consumer reads who it is after
        # accepting (connecting.user_of).
        "websocket": with_server_send(
            AdmissionMiddleware(
                SiteOriginValidator(
                    SessionMiddlewareStack(URLRouter([path("ws/activity/", ActivityConsumer.as_asgi())]))
                )
            )
        ),
    }
)

log_channel_layer()

# A broadcast allocates a few short-lived objects per socket; with CPython's default thresholds
# (700, 10, 10) a broadcast to thousands of sockets runs hundreds of collections, each walking the
# consumers' long-lived state. Measured with bench/fanout.py (--gc default / tuned): see
# docs/performance.md. Objects alive after start-up (Django, the URLconf, templates) are frozen out
# of the collector's sight: they live as long as the process.
gc.set_threshold(50_000, 20, 100)
gc.freeze()


async def application(scope, receive, send):
    # Publishes made in this process go to the loop the consumers run on (see publisher.py).
    capture_server_loop()
    await router(scope, receive, send)
