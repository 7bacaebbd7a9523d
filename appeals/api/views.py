"""Appeals API for enterprises: list and read their appeals, file a new one (through the service)."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from appeals import services
from appeals.api.filters import AppealFilter
from appeals.api.serializers import AppealInputSerializer, AppealOutputSerializer
from appeals.models import Appeal, AppealAttachment
from coordinators.models import Coordinator
from credit.models import AbnormalListEntry, CreditEvent
from enterprises.scoping import member_enterprise
from portal.api.viewsets import ScopedViewSet


class AppealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Appeals of the signed-in user's enterprise (customs users see the appeals they may see)."""

    serializer_class = AppealOutputSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = Appeal.objects.all()
    filterset_class = AppealFilter

    def scoped(self, queryset):
        return queryset.prefetch_related(
            Prefetch("attachments", queryset=AppealAttachment.objects.order_by("uploaded_at", "id"))
        )

    @extend_schema(
        request=AppealInputSerializer, responses={201: AppealOutputSerializer}, summary="File an appeal"
    )
    def create(self, request, *args, **kwargs):
        enterprise = member_enterprise(request.user) if request.user.is_enterprise_user else None
        if enterprise is None:
            raise PermissionDenied("Only an enterprise's contact person or staff may file its appeals.")
        data_in = AppealInputSerializer(data=request.data)
        data_in.is_valid(raise_exception=True)
        data = dict(data_in.validated_data)
        lookups = {
            "credit_event": CreditEvent.objects.filter(enterprise=enterprise),
            "abnormal_entry": AbnormalListEntry.objects.filter(enterprise=enterprise),
            "coordinator": Coordinator.objects.all(),
        }
        for field, queryset in lookups.items():
            if data.get(field) is not None:
                found = queryset.filter(pk=data[field]).first()
                if found is None:
                    raise ValidationError({field: ["Not found for your enterprise."]})
                data[field] = found
        appeal = services.file_appeal(enterprise=enterprise, author=request.user, **data)
        return Response(AppealOutputSerializer(appeal).data, status=status.HTTP_201_CREATED)

    def get_object(self):
        try:
            return super().get_object()
        except Appeal.DoesNotExist:
            raise NotFound from None
