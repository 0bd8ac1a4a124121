"""Pieces of the API every feature uses: the shape of a person and absolute links."""

from rest_framework import serializers

from accounts.models import User


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ("id", "username", "name")
        read_only_fields = fields


NULLABLE_URI = {"type": "string", "format": "uri", "nullable": True}


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path
