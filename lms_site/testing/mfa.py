"""Second factors in tests: a user's authenticator app, the code it would show, and log-ins that
have passed the second step, as a person with the phone in hand would make them."""

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services


def code_for(device: TOTPDevice) -> str:
    """The code the app shows now, or, when that one was used already (a code works once), the
    next one, which the server accepts too (one step of tolerance)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time = (device.last_t + 1) * device.step + device.t0
    return f"{totp.token():0{device.digits}d}"


def enrol_totp(user) -> TOTPDevice:
    """Set up an authenticator app for `user` through the services, as the set-up page does."""
    device = services.start_totp(user)
    assert services.confirm_totp(device, code_for(device)) is not None
    return device


def totp_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def verified_force_login(client: Client, user) -> None:
    """`client.force_login`, with the second factor proven when the user has one."""
    Client.force_login(client, user)
    factors = services.second_factors(user)
    if factors:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = factors[0].persistent_id  # what django_otp.login records
        session.save()


class VerifiedClient(Client):
    """The test client whose force_login is a whole log-in, second factor included (the `client`
    fixture). Tests of the second step itself use `Client` or `client.post` to the log-in pages."""

    def force_login(self, user, backend=None):
        verified_force_login(self, user)
