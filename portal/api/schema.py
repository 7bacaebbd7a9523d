"""OpenAPI helpers shared by every app's API.

``named_enum(name, choices)``: a choice field documented as its own named enum component, so that
same-named choice sets of different apps ("status") never collide in the schema (drf-spectacular would
warn, and ``spectacular --validate --fail-on-warn`` fails on warnings).

``document_errors``: post-processing so that every operation documents its error answers. Errors share
two shapes: ``Error`` (``{"detail": ..., "code": ...}``: a domain error from a service —
``portal.api.exceptions`` — or DRF's refusal) and ``ValidationErrors`` (``{field: [messages]}``: bad
input). Each operation lists 400, 403 and — where it names an object by id — 404; writes also 409 (the
object's state forbids it) and 415 (a body of another media type).
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers


class NamedChoiceField(serializers.ChoiceField):
    component_name = ""
    enum_choices: list = []

    def __init__(self, **kwargs):
        super().__init__(choices=self.enum_choices, **kwargs)


def named_enum(name: str, choices) -> type[NamedChoiceField]:
    return type(f"{name}Field", (NamedChoiceField,), {"component_name": name, "enum_choices": list(choices)})


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        component = ResolvedComponent(
            name=field.component_name,
            type=ResolvedComponent.SCHEMA,
            object=field.component_name,
            schema={"type": "string", "enum": [value for value, _label in field.enum_choices]},
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION = {
    "type": "object",
    "description": "Bad input: messages by field (or `detail` and `code` for a refusal of the service).",
    "additionalProperties": True,
}


def _ref(name: str) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def document_errors(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationErrors", VALIDATION)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.setdefault(
                "400", {"description": "Bad input or parameters.", **_ref("ValidationErrors")}
            )
            responses.setdefault(
                "401", {"description": "No credentials, or an unknown or revoked token.", **_ref("Error")}
            )
            responses.setdefault(
                "403",
                {"description": "Not allowed to do this (or the token's scope does not).", **_ref("Error")},
            )
            if "{" in path:
                responses.setdefault("404", {"description": "No such object you may see.", **_ref("Error")})
            if method in ("post", "put", "patch"):
                responses.setdefault(
                    "409", {"description": "The object's state forbids it.", **_ref("Error")}
                )
                responses.setdefault("415", {"description": "Unsupported media type.", **_ref("Error")})
    return result
