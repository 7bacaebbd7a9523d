"""The enterprise profile as the API shows it (output only: registration data changes through a
proposal customs decides, ``enterprises.services.submit_registration_change``)."""

from __future__ import annotations

from rest_framework import serializers

from enterprises.models import Enterprise, Industry
from portal.api.schema import named_enum

IndustryField = named_enum("EnterpriseIndustry", Industry.choices)
DeadlineOwnerField = named_enum("DeadlineOwner", [("enterprise", "enterprise"), ("customs", "customs")])
DeadlineStateField = named_enum(
    "DeadlineState", [(s, s) for s in ("on_time", "due_soon", "overdue", "upcoming", "open")]
)


class RatingOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text="In the reader's language.")
    is_aeo = serializers.BooleanField()


class EnterpriseOutput(serializers.ModelSerializer):
    district = serializers.CharField(source="district.name")
    local_customs = serializers.CharField(source="local_customs.name")
    industry = IndustryField()
    rating = RatingOutput(allow_null=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "uscc",
            "customs_code",
            "name_zh",
            "name_en",
            "registered_address",
            "district",
            "local_customs",
            "industry",
            "is_listed",
            "employees",
            "premises",
            "phone",
            "email",
            "rating",
            "certified_on",
            "recertification_due",
        ]


class DeadlineOutput(serializers.Serializer):
    key = serializers.CharField(source="deadline.key", help_text="Stable identifier of the deadline.")
    title = serializers.CharField(source="deadline.title_text", help_text="In the reader's language.")
    due = serializers.DateField(source="deadline.due_date")
    owner = DeadlineOwnerField(source="deadline.owner", help_text="Who must act: the enterprise or customs.")
    state = DeadlineStateField()
    state_label = serializers.CharField(source="label", help_text="The state in the reader's language.")
