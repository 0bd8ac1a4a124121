"""`manage.py generate_vapid_keys`: a VAPID key pair for Web Push, as the two environment lines to
put in /etc/lms/env. The private key stays on the server; the public one is the browsers'
applicationServerKey."""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management.base import BaseCommand


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def generate() -> tuple[str, str]:
    """(private, public): the raw 32-byte private number and the uncompressed public point."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(private), b64url(public)


class Command(BaseCommand):
    help = "Print a new VAPID key pair for Web Push (VAPID_PRIVATE_KEY and VAPID_PUBLIC_KEY)."

    def handle(self, *args, **options):
        private, public = generate()
        self.stdout.write(f"VAPID_PRIVATE_KEY={private}\nVAPID_PUBLIC_KEY={public}")
