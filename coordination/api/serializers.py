"""API serializers for coordination requests: shape only; meaning is checked by the
services. Output serializers never include internal notes for enterprise users (the selectors filter)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coordination import states
from coordination.models import (
    CoordinationRequest,
    RequestAttachment,
    RequestMessage,
    RequestStatus,
    RequestTransition,
    ServiceType,
    Urgency,
)
from portal.conf import tunable
from portal.models import Department, LocalCustoms


class NamedChoiceField(serializers.ChoiceField):
    """A choice field documented as its own named enum component (see ``NamedChoiceFieldExtension``),
    so same-named choice sets of other apps ("status") never collide in the OpenAPI schema."""

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


StatusField = named_enum("CoordinationRequestStatus", RequestStatus.choices)
ServiceTypeField = named_enum("CoordinationServiceType", ServiceType.choices)
UrgencyField = named_enum("CoordinationRequestUrgency", Urgency.choices)
MessageKindField = named_enum("CoordinationMessageKind", RequestMessage.Kind.choices)
ActionField = named_enum(
    "CoordinationRequestAction",
    [(n, n) for n in states.ACTIONS if n not in ("start", "provide_information", "convert_to_appeal")],
)


class AttachmentOutput(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = RequestAttachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at", "download_url"]

    def get_download_url(self, obj) -> str:
        return reverse("coordination:attachment_download", args=[obj.pk])


class RequestListOutput(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name_zh")
    service_type = ServiceTypeField()
    urgency = UrgencyField()
    status = StatusField()
    is_overdue = serializers.BooleanField()
    next_due = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = CoordinationRequest
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "service_type",
            "subject",
            "urgency",
            "status",
            "filed_at",
            "first_response_due",
            "resolution_due",
            "next_due",
            "is_overdue",
        ]


class HandlerOutput(serializers.Serializer):
    coordinator_id = serializers.IntegerField()
    name = serializers.CharField(source="coordinator.user.display_name")
    office = serializers.CharField(source="coordinator.local_customs.name_zh")
    reason = serializers.CharField(help_text="pair, accepted or substitute")


class RequestDetailOutput(RequestListOutput):
    description = serializers.CharField()
    first_office = serializers.CharField(source="first_office.name_zh")
    responsible_office = serializers.CharField(source="responsible_office.name_zh", allow_null=True)
    pending_transfer_to = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    handlers = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta(RequestListOutput.Meta):
        fields = [
            *RequestListOutput.Meta.fields,
            "description",
            "first_office",
            "responsible_office",
            "pending_transfer_to",
            "first_responded_at",
            "paused_working_days",
            "resolved_at",
            "resolution_summary",
            "closed_at",
            "rating",
            "rating_comment",
            "converted_appeal_id",
            "attachments",
            "handlers",
            "available_actions",
        ]

    def get_pending_transfer_to(self, obj) -> str | None:
        target = obj.pending_office or obj.pending_department
        return target.name_zh if target else None

    @extend_schema_field(AttachmentOutput(many=True))
    def get_attachments(self, obj):
        return AttachmentOutput(self.context["file"].attachments, many=True).data

    @extend_schema_field(HandlerOutput(many=True))
    def get_handlers(self, obj):
        return HandlerOutput(self.context["file"].handlers, many=True).data

    def get_available_actions(self, obj) -> list[str]:
        return [a.name for a in states.available_actions(obj, self.context["request"].user)]


def _text_max() -> int:
    return int(tunable("TEXT_MAX_CHARS"))


class RequestFilter(serializers.Serializer):
    """The list's query parameters: an unknown parameter or value is a 400, never silently ignored."""

    status = StatusField(required=False)
    service_type = ServiceTypeField(required=False)
    enterprise = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    cursor = serializers.CharField(required=False, max_length=500)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields) - {"format"})
        if unknown:
            raise serializers.ValidationError({name: ["Unknown parameter."] for name in unknown})
        return attrs


class RequestInput(serializers.Serializer):
    service_type = ServiceTypeField()
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=_text_max())
    urgency = UrgencyField(default=Urgency.NORMAL)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class MessageOutput(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.display_name")
    kind = MessageKindField()
    attachments = AttachmentOutput(many=True, source="visible_files")
    body = serializers.CharField(
        source="text", help_text="In the reader's language for lines the system wrote."
    )

    class Meta:
        model = RequestMessage
        fields = [
            "id",
            "author_name",
            "from_customs",
            "kind",
            "body",
            "is_internal",
            "created_at",
            "attachments",
        ]


class MessageInput(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, default="", max_length=_text_max())
    internal = serializers.BooleanField(
        required=False, default=False, help_text="Internal note (customs staff only)."
    )
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class TransitionOutput(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.display_name", allow_null=True, default=None)
    from_status = serializers.CharField(help_text="Empty for the filing.")
    to_status = StatusField()
    note = serializers.CharField(
        source="note_text", help_text="In the reader's language for what the system wrote."
    )

    class Meta:
        model = RequestTransition
        fields = ["id", "action", "from_status", "to_status", "actor_name", "at", "note"]


class TransitionInput(serializers.Serializer):
    action = ActionField()
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=_text_max(),
        help_text="Reason, question or summary (required by some actions).",
    )
    rating = serializers.IntegerField(
        required=False, min_value=1, max_value=5, help_text="For “confirm”: 1–5."
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=_text_max())
    to_office = serializers.PrimaryKeyRelatedField(
        queryset=LocalCustoms.objects.all(), required=False, allow_null=True
    )
    to_department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
