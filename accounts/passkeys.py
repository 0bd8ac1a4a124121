"""The WebAuthn ceremonies for passkeys, on top of py_webauthn (the `webauthn` package).

Each ceremony has two halves: `*_options` makes a random challenge, keeps it in the session and
returns the options as JSON for `navigator.credentials.create/get` (static/js/passkeys.js); the
`verify_*` half checks the browser's answer against that challenge, this site's origin and relying
party id, and the stored public key. A challenge is used once: reading it removes it.

The relying-party id is the host the browser sees (a passkey made on lms.example.edu works only
there) unless settings.WEBAUTHN_RP_ID names a parent domain. An IP address cannot be one: open the
site by name (http://localhost:8000 in development).
"""

import json

from django.conf import settings
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from .models import Passkey, User

_CHALLENGE = "passkey_challenge"


class PasskeyError(Exception):
    """The browser's answer did not prove what it claimed; the message can be shown."""


def _rp_id(request) -> str:
    return settings.WEBAUTHN_RP_ID or request.get_host().rsplit(":", 1)[0].strip("[]")


def _origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=bytes(key.credential_id)) for key in Passkey.objects.filter(user=user)]


def _take_challenge(request, ceremony: str, user: User) -> bytes:
    kept = request.session.pop(_CHALLENGE, None)
    if not kept or kept["ceremony"] != ceremony or kept["user"] != user.pk:
        raise PasskeyError("This passkey request has expired. Please try again.")
    return bytes.fromhex(kept["challenge"])


def _expected(request, ceremony: str, user: User) -> dict:
    """What the browser's answer must match: the challenge kept for this ceremony (taken from the
    session, so it is used once), this site's relying-party id and its origin."""
    return {
        "expected_challenge": _take_challenge(request, ceremony, user),
        "expected_rp_id": _rp_id(request),
        "expected_origin": _origin(request),
    }


def registration_options(request, user: User) -> str:
    options = generate_registration_options(
        rp_id=_rp_id(request),
        rp_name=settings.SITE_NAME,
        user_id=str(user.pk).encode(),
        user_name=user.username,
        user_display_name=user.display_name(),
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    request.session[_CHALLENGE] = {"ceremony": "register", "user": user.pk, "challenge": options.challenge.hex()}
    return options_to_json(options)


def verify_registration(request, user: User, credential: dict) -> dict:
    """The verified credential's fields for services.add_passkey; PasskeyError otherwise."""
    expected = _expected(request, "register", user)
    try:
        verified = verify_registration_response(credential=credential, **expected)
    except InvalidRegistrationResponse as error:
        raise PasskeyError(f"The passkey could not be registered: {error}") from error
    if Passkey.objects.filter(credential_id=verified.credential_id).exists():
        raise PasskeyError("This passkey is already registered.")
    transports = credential.get("response", {}).get("transports") or []
    return {
        "credential_id": verified.credential_id,
        "public_key": verified.credential_public_key,
        "sign_count": verified.sign_count,
        "transports": [str(t) for t in transports][:8],
    }


def authentication_options(request, user: User) -> str:
    """Options asking for one of `user`'s passkeys (the second step of a log-in)."""
    options = generate_authentication_options(
        rp_id=_rp_id(request),
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[_CHALLENGE] = {"ceremony": "authenticate", "user": user.pk, "challenge": options.challenge.hex()}
    return options_to_json(options)


def verify_authentication(request, user: User, credential: dict) -> Passkey:
    """The passkey of `user` that signed the challenge, its counter updated; PasskeyError otherwise."""
    expected = _expected(request, "authenticate", user)
    raw_id = credential.get("rawId") or credential.get("id") or ""
    passkey = next(
        (key for key in Passkey.objects.filter(user=user) if bytes_to_base64url(bytes(key.credential_id)) == raw_id),
        None,
    )
    if passkey is None:
        raise PasskeyError("This passkey is not registered to your account.")
    try:
        verified = verify_authentication_response(
            credential=credential,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            **expected,
        )
    except InvalidAuthenticationResponse as error:
        raise PasskeyError(f"The passkey could not be verified: {error}") from error
    passkey.record_use(verified.new_sign_count)
    return passkey


def read_credential(body: bytes) -> dict:
    """The JSON the page posted (PublicKeyCredential.toJSON()), or PasskeyError."""
    try:
        data = json.loads(body)
    except ValueError as error:
        raise PasskeyError("The browser sent something that is not a passkey.") from error
    credential = data.get("credential") if isinstance(data, dict) else None
    if not isinstance(credential, dict):
        raise PasskeyError("The browser sent something that is not a passkey.")
    return data
