"""A real SMTP server for tests (aiosmtpd): it receives what the worker sends, can refuse an
address permanently, and can be stopped and started again on the same port (the mail server
down for a while)."""

import email
import email.policy
import logging
import threading

from aiosmtpd.controller import Controller

from .servers import free_port

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command


class _Handler:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.sink.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # Kept as received and parsed when read: parsing here would make the server, not the
        # sender, the slow part of a benchmark.
        with self.sink.lock:
            self.sink.raw.append(envelope.content)
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.raw: list[bytes] = []
        self._parsed: list[email.message.EmailMessage] = []
        self.refused: set[str] = set()
        self.lock = threading.Lock()
        self.controller: Controller | None = None

    def start(self) -> "SmtpSink":
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def env(self) -> dict[str, str]:
        """The settings that send a process's mail here."""
        return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port), "EMAIL_USE_TLS": "0"}

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        """Every message received so far, parsed."""
        with self.lock:
            raw = self.raw[len(self._parsed) :]
        self._parsed += [email.message_from_bytes(content, policy=email.policy.default) for content in raw]
        return list(self._parsed)

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]
