"""Stripe without the internet: the `localstripe` emulator as a child process, like Redis.

localstripe speaks Stripe's HTTP API (customers, PaymentMethods, Setup and PaymentIntents,
refunds, plans, subscriptions), sends webhooks signed as Stripe signs them to the endpoints
registered with it, and serves a stand-in for Stripe.js at /js.stripe.com/v3/. What it lacks
(Checkout Sessions, the `charge.refunded` event) tests build at the HTTP boundary: `signature`
signs a payload exactly as Stripe does, so our webhook checks it with the library's own code.
"""

import hashlib
import hmac
import json
import subprocess
import sys
import tempfile
import time

import requests

from .servers import Loopback, free_port, stop_process, wait_for_port

SECRET_KEY = "sk_test_lumen"  # noqa: S105  (the emulator accepts any test key)
PUBLISHABLE_KEY = "pk_test_lumen"
WEBHOOK_SECRET = "whsec_lumen_test"  # noqa: S105
TEST_CARD = "4242424242424242"


class LocalStripeServer(Loopback):
    """`localstripe --port <free port> --from-scratch`, owned by the caller."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.folder = tempfile.TemporaryDirectory(prefix="localstripe-")
        self.log_path = f"{self.folder.name}/localstripe.log"

    def start(self) -> "LocalStripeServer":
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "localstripe", "--port", str(self.port), "--from-scratch"],
                cwd=self.folder.name,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(self.port, process=self.process)
        return self

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None
        self.folder.cleanup()

    def log(self) -> str:
        with open(self.log_path, errors="replace") as file:
            return file.read()

    @property
    def env(self) -> dict[str, str]:
        """The settings a daphne (or the test process) needs to use this server."""
        return {
            "STRIPE_SECRET_KEY": SECRET_KEY,
            "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": self.url,
        }

    def register_webhook(self, name: str, url: str, events: list[str] | None = None) -> None:
        """Have the emulator send its events to `url`, signed with WEBHOOK_SECRET."""
        data = {"url": url, "secret": WEBHOOK_SECRET} | ({"events": events} if events else {})
        requests.post(f"{self.url}/_config/webhooks/{name}", json=data, timeout=5).raise_for_status()

    def confirm_card_setup(self, client_secret: str, number: str = TEST_CARD) -> str:
        """What Stripe.js does in the buyer's browser on `confirmCardSetup`: post the card to
        Stripe with the publishable key and the SetupIntent's client secret. Returns the
        SetupIntent's id (all our server is given). For tests that pay without a browser."""
        setup_id = client_secret.split("_secret_")[0]
        card = {"number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"}
        body = {
            "key": PUBLISHABLE_KEY,
            "client_secret": client_secret,
            "payment_method_data": {"type": "card", "card": card},
        }
        response = requests.post(f"{self.url}/v1/setup_intents/{setup_id}/confirm", data=json.dumps(body), timeout=5)
        response.raise_for_status()
        return setup_id


def signature(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header Stripe sends: `t=<unix time>,v1=<HMAC-SHA256 hex of
    "<t>.<payload>" keyed with the endpoint's secret>` (stripe.com/docs/webhooks/signatures)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def event_payload(event_id: str, event_type: str, obj: dict) -> bytes:
    """An event envelope as Stripe sends one, around an object read from the emulator."""
    envelope = {
        "id": event_id,
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "api_version": "2017-08-15",
        "livemode": False,
        "data": {"object": obj},
    }
    return json.dumps(envelope).encode()


class WebhookRelay(Loopback):
    """Holds the webhooks localstripe sends until the test releases them, then forwards each to
    `target` byte for byte (body and Stripe-Signature header) and answers with its status: so a
    test decides when the payment "lands" (a page first shows it waiting, then changes live)."""

    def __init__(self, target: str):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        relay = self
        self.target = target
        self.released = threading.Event()
        self.forwarded: list[int] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                relay.released.wait(60)
                headers = {
                    "Content-Type": self.headers["Content-Type"],
                    "Stripe-Signature": self.headers["Stripe-Signature"],
                }
                status = requests.post(relay.target, data=body, headers=headers, timeout=30).status_code
                relay.forwarded.append(status)
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def release(self) -> None:
        self.released.set()

    def stop(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
