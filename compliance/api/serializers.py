"""Compliance API serializers: output serializers for reading, one input serializer for the enterprise's
answer to an improvement action (HackSoft style: shape only; the service validates meaning)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from compliance.models import (
    ActionFile,
    ActionResponse,
    Assessment,
    AssessmentAnswer,
    AssessmentSignature,
    ImprovementAction,
)


class AnswerSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code", read_only=True)

    class Meta:
        model = AssessmentAnswer
        fields = ["item", "judgement", "evidence", "notes"]
        read_only_fields = fields


class SignatureSerializer(serializers.ModelSerializer):
    signer = serializers.CharField(source="signer.display_name", read_only=True)

    class Meta:
        model = AssessmentSignature
        fields = ["signer", "signed_at"]
        read_only_fields = fields


class FileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ActionFile
        fields = ["id", "original_name", "size", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return reverse("compliance:file", args=[obj.pk])


class ResponseSerializer(serializers.ModelSerializer):
    files = FileSerializer(many=True, read_only=True)

    class Meta:
        model = ActionResponse
        fields = ["id", "text", "created_at", "files", "review", "review_comment", "reviewed_at"]
        read_only_fields = fields


class ActionSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code", read_only=True)
    responses = ResponseSerializer(many=True, read_only=True)

    class Meta:
        model = ImprovementAction
        fields = ["id", "assessment", "item", "description", "owner", "due_on", "status", "responses"]
        read_only_fields = fields


class ActionBriefSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code", read_only=True)

    class Meta:
        model = ImprovementAction
        fields = ["id", "item", "description", "owner", "due_on", "status"]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    answers = AnswerSerializer(many=True, read_only=True)
    signatures = SignatureSerializer(many=True, read_only=True)
    actions = ActionBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "enterprise",
            "assessed_on",
            "state",
            "summary",
            "self_examination",
            "signed_at",
            "answers",
            "actions",
            "signatures",
        ]
        read_only_fields = fields


class ResponseInputSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="What the enterprise did about the improvement action.")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)
