"""API serializers for coordination requests: shape only; meaning is checked by the
services. Output serializers never include internal notes for enterprise users (the selectors filter)."""

from __future__ import annotations

from django.urls import reverse
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
    SiteVisit,
    SiteVisitRecord,
    Urgency,
    VisitAction,
    VisitAttachment,
    VisitSignature,
)
from portal.api.schema import named_enum
from portal.models import Department, LocalCustoms

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


class RequestInput(serializers.Serializer):
    service_type = ServiceTypeField()
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField()
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
    body = serializers.CharField(required=False, allow_blank=True, default="")
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
        help_text="Reason, question or summary (required by some actions).",
    )
    rating = serializers.IntegerField(
        required=False, min_value=1, max_value=5, help_text="For “confirm”: 1–5."
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    to_office = serializers.PrimaryKeyRelatedField(
        queryset=LocalCustoms.objects.all(), required=False, allow_null=True
    )
    to_department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )


VisitStatusField = named_enum("SiteVisitStatus", SiteVisit.Status.choices)
ActionOwnerField = named_enum("VisitActionOwner", VisitAction.Owner.choices)
SignatureDecisionField = named_enum("VisitSignatureDecision", VisitSignature.Decision.choices)


class VisitActionOutput(serializers.ModelSerializer):
    owner = ActionOwnerField()

    class Meta:
        model = VisitAction
        fields = ["description", "owner", "due_on"]


class VisitSignatureOutput(serializers.ModelSerializer):
    signer = serializers.CharField(source="signer.display_name")
    decision = SignatureDecisionField()

    class Meta:
        model = VisitSignature
        fields = ["signer", "decision", "comment", "signed_at"]


class VisitFileOutput(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = VisitAttachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at", "download_url"]

    def get_download_url(self, obj) -> str:
        return reverse("coordination:visit_attachment", args=[obj.pk])


class VisitRecordOutput(serializers.ModelSerializer):
    written_by = serializers.CharField(source="written_by.display_name")
    actions = VisitActionOutput(many=True)
    signatures = VisitSignatureOutput(many=True)
    files = VisitFileOutput(many=True, source="attachments")
    state = serializers.CharField(help_text="coordinators, enterprise, acknowledged or disputed")

    class Meta:
        model = SiteVisitRecord
        fields = [
            "attendees",
            "findings",
            "written_by",
            "written_at",
            "state",
            "actions",
            "signatures",
            "files",
        ]


class VisitOutput(serializers.ModelSerializer):
    status = VisitStatusField()
    coordinators = serializers.SerializerMethodField()
    record = serializers.SerializerMethodField()

    class Meta:
        model = SiteVisit
        fields = [
            "id",
            "enterprise",
            "request",
            "scheduled_for",
            "place",
            "purpose",
            "status",
            "coordinators",
            "record",
        ]

    def get_coordinators(self, obj) -> list[str]:
        return [obj.coordinator_a.user.display_name, obj.coordinator_b.user.display_name]

    @extend_schema_field(VisitRecordOutput(allow_null=True))
    def get_record(self, obj):
        record = getattr(obj, "record", None) if obj.status == SiteVisit.Status.DONE else None
        return VisitRecordOutput(record).data if record is not None else None
