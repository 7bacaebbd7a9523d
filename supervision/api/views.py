"""Rotation API for the Management Department: the rotations due (and done) it may see; confirming one
goes through ``coordinators.services.rotate``."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from coordination.api.serializers import named_enum
from coordinators import services
from coordinators.models import Coordinator, Rotation
from portal.api.viewsets import ScopedViewSet

RotationStatusField = named_enum("RotationStatus", Rotation.Status.choices)


class RotationOutput(serializers.ModelSerializer):
    status = RotationStatusField()
    coordinator_name = serializers.CharField(source="coordinator.user.display_name")
    enterprise_name = serializers.CharField(source="enterprise.name_zh")

    class Meta:
        model = Rotation
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "coordinator",
            "coordinator_name",
            "serving_since",
            "limit_on",
            "status",
            "substitute",
            "decided_at",
            "handover",
        ]


class RotationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Rotation.Status.choices)

    class Meta:
        model = Rotation
        fields = ["status"]


class RotateInput(serializers.Serializer):
    substitute = serializers.IntegerField(min_value=1)


@extend_schema(tags=["rotations"])
class RotationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = RotationOutput
    queryset = Rotation.objects.all()
    filterset_class = RotationFilter

    def scoped(self, queryset):
        return queryset.select_related("coordinator__user", "enterprise").order_by("limit_on", "pk")

    @extend_schema(request=RotateInput, responses={200: RotationOutput}, summary="Confirm the handover")
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        data = RotateInput(data=request.data)
        data.is_valid(raise_exception=True)
        substitute = Coordinator.objects.filter(pk=data.validated_data["substitute"]).first()
        if substitute is None:
            raise ValidationError({"substitute": ["No such coordinator."]})
        rotation = services.rotate(rotation=self.get_object(), substitute=substitute, actor=request.user)
        return Response(RotationOutput(rotation).data)
