"""Credit API output: credit events (the enterprise's credit history) and the public status."""

from __future__ import annotations

from rest_framework import serializers

from credit.models import CreditEvent, CreditEventReason
from portal.api.schema import named_enum

ReasonField = named_enum("CreditEventReason", CreditEventReason.choices)


class CreditEventOutput(serializers.ModelSerializer):
    regime = serializers.CharField(source="regime.code")
    from_rating = serializers.CharField(source="from_rating.code", allow_null=True, default=None)
    to_rating = serializers.CharField(source="to_rating.code")
    to_rating_name = serializers.CharField(source="to_rating.name", help_text="In the reader's language.")
    reason = ReasonField()
    reason_details = serializers.CharField(help_text="In the reader's language for what the system wrote.")

    class Meta:
        model = CreditEvent
        fields = [
            "id",
            "enterprise",
            "regime",
            "from_rating",
            "to_rating",
            "to_rating_name",
            "effective_date",
            "reason",
            "reason_details",
            "legal_basis",
            "recorded_at",
        ]


class PublicStatusOutput(serializers.Serializer):
    name = serializers.CharField()
    rating = serializers.CharField(allow_null=True, help_text="Null: no rating published.")
    since = serializers.DateField(allow_null=True)
