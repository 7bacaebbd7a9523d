"""The enterprise profile API: the enterprises the caller may see (their own for a member or an ERP
token; the pairs' for a coordinator; the district's for an officer), and each one's deadlines."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from enterprises.api.filters import EnterpriseFilter
from enterprises.api.serializers import DeadlineOutput, EnterpriseOutput
from enterprises.models import Enterprise
from portal.api.viewsets import ScopedViewSet
from portal.deadlines import for_enterprise, shown


@extend_schema(tags=["enterprises"])
class EnterpriseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = Enterprise.objects.all()
    serializer_class = EnterpriseOutput
    filterset_class = EnterpriseFilter

    def scoped(self, queryset):
        return queryset.select_related("district", "local_customs", "rating")

    @extend_schema(
        summary="The enterprise's deadlines, with their state", responses=DeadlineOutput(many=True)
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def deadlines(self, request, pk=None):
        enterprise = self.get_object()
        return Response(DeadlineOutput(shown(for_enterprise(enterprise, request.user)), many=True).data)
