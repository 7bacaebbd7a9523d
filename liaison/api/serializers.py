"""API serializers of the liaison feature: shape only; ``liaison.services`` checks the meaning."""

from __future__ import annotations

from rest_framework import serializers

from coordination.api.serializers import named_enum
from liaison.models import DepartmentNotice, Referral

ReferralStatusField = named_enum("ReferralStatus", Referral.Status.choices)
NoticeKindField = named_enum("DepartmentNoticeKind", DepartmentNotice.Kind.choices)


class ReferralOutput(serializers.ModelSerializer):
    status = ReferralStatusField()
    department_name = serializers.CharField(source="department.name_zh")
    answer = serializers.CharField(source="answer.body", allow_null=True, default=None)
    shared_with_enterprise = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "request",
            "department",
            "department_name",
            "question",
            "status",
            "referred_at",
            "due_at",
            "answered_at",
            "answer",
            "shared_with_enterprise",
        ]

    def get_shared_with_enterprise(self, obj) -> bool:
        return obj.reply_id is not None


class ReferralInput(serializers.Serializer):
    request = serializers.IntegerField(min_value=1)
    department = serializers.IntegerField(min_value=1)
    question = serializers.CharField(max_length=5000)


class AnswerInput(serializers.Serializer):
    body = serializers.CharField(max_length=20000)


class NoticeOutput(serializers.ModelSerializer):
    kind = NoticeKindField()
    department_name = serializers.CharField(source="department.name_zh")

    class Meta:
        model = DepartmentNotice
        fields = ["id", "department", "department_name", "kind", "title", "body", "published_at"]
