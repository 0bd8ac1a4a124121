"""Admission control: how much one daphne process takes on, so a reconnect storm slows down instead
of knocking the process over.

Two counts per process: sockets open, and sockets still being set up (their session and user read,
their membership read, their groups joined, their replay sent). AdmissionMiddleware, the outermost
layer of the socket's stack (lms_site/asgi.py), turns a socket away when either cap is reached:
it accepts and closes it at once with CLOSE_BUSY (4013, the application-range twin of 1013 "try
again later"), before anything is read for it. Sockets let in wait their turn instead, and a
queue of them longer than daphne's handshake timeout would only be dropped without a code.
static/js/activity.js waits longer after 4013 than after a network error (docs/architecture.md,
"Close codes"). The per-user cap (notifications/quota.py) is another matter: it counts across
processes, in Redis.

The counts live in the process (daphne runs one event loop), so they need no lock and cost nothing.
"""

from django.conf import settings

CLOSE_BUSY = 4013

_open = 0
_opening = 0


class Ticket:
    """One admitted socket's place: being set up until ActivityConsumer.connect is done with it
    (`opened`), open until the socket's application returns."""

    def __init__(self):
        global _open, _opening
        _open += 1
        _opening += 1
        self.opening = True

    def opened(self) -> None:
        global _opening
        if self.opening:
            self.opening = False
            _opening -= 1

    def leave(self) -> None:
        global _open
        self.opened()
        _open -= 1


def _full() -> bool:
    return _open >= settings.ACTIVITY_SOCKETS_PER_PROCESS or _opening >= settings.ACTIVITY_OPENING_PER_PROCESS


class AdmissionMiddleware:
    """Lets a socket in with a Ticket in its scope (`admission`), or closes it with 4013."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if _full():
            if (await receive())["type"] == "websocket.connect":
                await send({"type": "websocket.accept"})
                await send({"type": "websocket.close", "code": CLOSE_BUSY})
            return
        ticket = Ticket()
        try:
            return await self.inner(dict(scope, admission=ticket), receive, send)
        finally:
            ticket.leave()
