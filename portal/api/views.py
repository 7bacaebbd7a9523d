"""``/api/``: the resources of the API, their addresses, how to authenticate, where the schema is."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response


def _list_routes() -> list[str]:
    """The names of every ``…-list`` route included under ``portal.api.urls``."""
    names: list[str] = []

    def walk(patterns, inside_api: bool) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                module = getattr(pattern.urlconf_module, "__name__", "")
                walk(pattern.url_patterns, inside_api or module == "portal.api.urls")
            elif (
                isinstance(pattern, URLPattern)
                and inside_api
                and pattern.name
                and pattern.name.endswith("-list")
            ):
                names.append(pattern.name)

    walk(get_resolver().url_patterns, False)
    return sorted(set(names))


@extend_schema(
    tags=["api"],
    summary="The API's resources",
    auth=[],
    responses=inline_serializer(
        "ApiRoot",
        {
            "resources": serializers.DictField(child=serializers.URLField()),
            "schema": serializers.URLField(),
            "docs": serializers.URLField(),
            "authentication": serializers.CharField(),
        },
    ),
)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request: Request) -> Response:
    resources = {
        name.removesuffix("-list"): request.build_absolute_uri(reverse(name)) for name in _list_routes()
    }
    resources["public-status"] = request.build_absolute_uri(reverse("public-status"))
    return Response(
        {
            "resources": resources,
            "schema": request.build_absolute_uri(reverse("schema")),
            "docs": request.build_absolute_uri(reverse("swagger-ui")),
            "authentication": "Authorization: Bearer <API token> (create one under “API tokens”), or a signed-in session.",
        }
    )
