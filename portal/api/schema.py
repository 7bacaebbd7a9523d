"""OpenAPI helpers shared by every app's API.

``named_enum(name, choices)``: a choice field documented as its own named enum component, so that
same-named choice sets of different apps ("status") never collide in the schema (drf-spectacular would
warn, and ``spectacular --validate --fail-on-warn`` fails on warnings).
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
