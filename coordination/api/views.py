"""REST API for coordination requests: list, file, detail, messages, transitions. Thin: reads through
``requests.selectors`` (scoped by ``visible_to``, so an id the user may not see is a 404), writes through
``requests.services``; domain errors become 400/403/409 (``portal.api.exceptions``)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from coordination import selectors, services
from coordination.api import serializers as s
from coordination.models import CoordinationRequest, RequestStatus, ServiceType
from enterprises.scoping import member_enterprise
from portal.api.parsers import SafeJSONParser
from portal.api.viewsets import ScopedViewSet
from portal.exceptions import PermissionDeniedError


@extend_schema(tags=["coordination requests"])
class CoordinationRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]
    serializer_class = s.RequestListOutput
    queryset = CoordinationRequest.objects.all()
    filter_backends: list = []

    def scoped(self, qs):
        qs = selectors.with_list_joins(qs)
        if self.action != "list":
            return qs
        params = s.RequestFilter(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        if "status" in filters:
            qs = qs.filter(status=filters["status"])
        if "service_type" in filters:
            qs = qs.filter(service_type=filters["service_type"])
        if "enterprise" in filters:
            qs = qs.filter(enterprise_id=filters["enterprise"])
        return qs

    def _get(self, pk) -> CoordinationRequest:
        obj = selectors.request_for(self.request.user, int(pk))
        if obj is None:
            raise Http404
        return obj

    def _detail(self, obj, *, status_code=status.HTTP_200_OK) -> Response:
        file = selectors.request_file(self.request.user, obj)
        data = s.RequestDetailOutput(obj, context={"request": self.request, "file": file}).data
        return Response(data, status=status_code)

    @extend_schema(
        summary="List the requests you may see",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=RequestStatus.values),
            OpenApiParameter("service_type", OpenApiTypes.STR, enum=ServiceType.values),
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("enterprise", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="File a request (enterprise members)",
        request=s.RequestInput,
        responses={201: s.RequestDetailOutput},
    )
    def create(self, request):
        data = s.RequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        enterprise = member_enterprise(request.user)
        if enterprise is None:
            raise PermissionDeniedError(_("Only members of an enterprise may file requests."))
        files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
        obj = services.file_request(
            enterprise=enterprise,
            author=request.user,
            service_type=data.validated_data["service_type"],
            subject=data.validated_data["subject"],
            description=data.validated_data["description"],
            urgency=data.validated_data["urgency"],
            files=files,
        )
        return self._detail(self._get(obj.pk), status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="One request with its attachments, handlers and the actions you may take",
        responses=s.RequestDetailOutput,
    )
    def retrieve(self, request, pk=None):
        return self._detail(self._get(pk))

    @extend_schema(methods=["GET"], summary="The conversation thread", responses=s.MessageOutput(many=True))
    @extend_schema(
        methods=["POST"],
        summary="Reply (customs may post internal notes)",
        request=s.MessageInput,
        responses={201: s.MessageOutput},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def messages(self, request, pk=None):
        obj = self._get(pk)
        if request.method == "POST":
            data = s.MessageInput(data=request.data)
            data.is_valid(raise_exception=True)
            message = services.post_message(
                request=obj,
                author=request.user,
                body=data.validated_data["body"],
                internal=data.validated_data["internal"],
                files=request.FILES.getlist("files"),
            )
            file = selectors.request_file(request.user, obj)
            created = next(m for m in file.messages if m.pk == message.pk)
            return Response(s.MessageOutput(created).data, status=status.HTTP_201_CREATED)
        file = selectors.request_file(request.user, obj)
        return Response(s.MessageOutput(file.messages, many=True).data)

    @extend_schema(methods=["GET"], summary="The status history", responses=s.TransitionOutput(many=True))
    @extend_schema(
        methods=["POST"],
        summary="Take an action (accept, resolve, confirm, transfer, ...)",
        request=s.TransitionInput,
        responses=s.RequestDetailOutput,
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def transitions(self, request, pk=None):
        obj = self._get(pk)
        if request.method == "GET":
            return Response(
                s.TransitionOutput(selectors.request_file(request.user, obj).transitions, many=True).data
            )
        data = s.TransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        name, note, user = v["action"], v["note"], request.user
        calls = {
            "accept": lambda: services.accept(request=obj, actor=user),
            "ask_information": lambda: services.ask_for_information(request=obj, actor=user, question=note),
            "resolve": lambda: services.resolve(request=obj, actor=user, summary=note),
            "reject": lambda: services.reject(request=obj, actor=user, reason=note),
            "withdraw": lambda: services.withdraw(request=obj, actor=user, reason=note),
            "confirm": lambda: services.confirm_resolution(
                request=obj, actor=user, rating=v.get("rating"), comment=v["comment"]
            ),
            "reopen": lambda: services.reopen(request=obj, actor=user, reason=note),
            "transfer": lambda: services.transfer(
                request=obj,
                actor=user,
                reason=note,
                to_office=v.get("to_office"),
                to_department=v.get("to_department"),
            ),
            "accept_transfer": lambda: services.accept_transfer(request=obj, actor=user),
            "decline_transfer": lambda: services.decline_transfer(request=obj, actor=user, reason=note),
        }
        calls[name]()
        return self._detail(self._get(obj.pk))
