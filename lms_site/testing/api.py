"""The API as a client sees it: a client holding a real token, and the shape of every error."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def client_for(user=None) -> APIClient:
    """An API client authenticated as `user` by token, as a real client is; anonymous for None."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def error_of(response) -> dict:
    """The error body every API error carries, checked for its shape."""
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["status"] == response.status_code, body
    assert body["error"]["code"] and body["error"]["message"], body
    return body["error"]


def download(response) -> bytes | dict:
    """What a file endpoint answered: the file's bytes on a 200, otherwise its (checked) error."""
    if response.status_code == 200:
        return b"".join(response.streaming_content)
    return error_of(response)
