"""Compliance API: assessments and improvement actions, read through the one scope (signed ones only for
the enterprise; the pair and the district's officers see all of theirs); the enterprise's members answer
an action with ``POST /api/improvement-actions/{id}/responses/`` (through the service)."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from compliance import services
from compliance.api.serializers import (
    ActionSerializer,
    AssessmentSerializer,
    ResponseInputSerializer,
    ResponseSerializer,
)
from compliance.models import ActionResponse, Assessment, ImprovementAction
from portal.api.viewsets import ScopedViewSet


class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Compliance assessments the caller may see, newest first."""

    serializer_class = AssessmentSerializer
    queryset = Assessment.objects.all()

    def scoped(self, queryset):
        return queryset.prefetch_related("answers__item", "actions__item", "signatures__signer")


class ImprovementActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Improvement actions the caller may see, newest first, each with its responses."""

    serializer_class = ActionSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = ImprovementAction.objects.all()

    def scoped(self, queryset):
        return queryset.select_related("item").prefetch_related(
            Prefetch("responses", queryset=ActionResponse.objects.prefetch_related("files"))
        )

    @extend_schema(
        request=ResponseInputSerializer,
        responses={201: ResponseSerializer},
        summary="Answer an improvement action (members of the enterprise)",
    )
    @action(detail=True, methods=["post"], url_path="responses")
    def responses(self, request, pk=None):
        improvement_action = self.get_object()
        data_in = ResponseInputSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        response = services.respond_to_action(
            action=improvement_action,
            actor=request.user,
            answer=data_in.validated_data["text"],
            files=data_in.validated_data["files"],
        )
        return Response(ResponseSerializer(response).data, status=status.HTTP_201_CREATED)
