"""Appeals API serializers: one input serializer for filing, one output serializer (HackSoft style)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from appeals.models import Appeal, AppealAttachment, AppealOutcome, AppealType
from portal.conf import tunable


class AppealInputSerializer(serializers.Serializer):
    appeal_type = serializers.ChoiceField(choices=AppealType.choices)
    subject = serializers.CharField(max_length=200)
    grounds = serializers.CharField(max_length=int(tunable("TEXT_MAX_CHARS")))
    decision_reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    credit_event = serializers.IntegerField(
        required=False, allow_null=True, help_text="id of the enterprise's credit event"
    )
    abnormal_entry = serializers.IntegerField(
        required=False, allow_null=True, help_text="id of the enterprise's abnormal-list entry"
    )
    coordinator = serializers.IntegerField(
        required=False, allow_null=True, help_text="id of the coordinator concerned"
    )
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = AppealAttachment
        fields = ["id", "original_name", "size", "uploaded_at", "url"]

    def get_url(self, obj) -> str:
        return reverse("appeals:attachment", args=[obj.pk])


class OutcomeField(serializers.ChoiceField):
    """The decision, or null while undecided (never ``""``, which the enum does not hold)."""

    def to_representation(self, value):
        return value or None


class AppealOutputSerializer(serializers.ModelSerializer):
    outcome = OutcomeField(choices=AppealOutcome.choices, allow_null=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Appeal
        fields = [
            "id",
            "appeal_type",
            "subject",
            "grounds",
            "decision_reference",
            "credit_event",
            "correcting_event",
            "abnormal_entry",
            "coordinator",
            "status",
            "outcome",
            "decision_reasons",
            "filed_at",
            "due_at",
            "decided_at",
            "is_overdue",
            "attachments",
        ]
        read_only_fields = fields
