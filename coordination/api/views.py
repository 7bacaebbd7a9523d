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
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from coordination import selectors, services
from coordination.api import serializers as s
from coordination.api.filters import RequestFilter, VisitFilter
from coordination.models import CoordinationRequest, SiteVisit
from enterprises.scoping import member_enterprise
from portal.api.viewsets import ScopedViewSet
from portal.exceptions import PermissionDeniedError


@extend_schema(tags=["coordination requests"])
class CoordinationRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    serializer_class = s.RequestListOutput
    queryset = CoordinationRequest.objects.all()
    filterset_class = RequestFilter

    def scoped(self, qs):
        return selectors.with_list_joins(qs)

    def _get(self, pk) -> CoordinationRequest:
        obj = selectors.request_for(self.request.user, int(pk))
        if obj is None:
            raise Http404
        return obj

    def _detail(self, obj, *, status_code=status.HTTP_200_OK) -> Response:
        file = selectors.request_file(self.request.user, obj)
        data = s.RequestDetailOutput(obj, context={"request": self.request, "file": file}).data
        return Response(data, status=status_code)

    @extend_schema(summary="List the requests you may see")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Search the requests you may see and their messages (full text; Chinese is segmented)",
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=True, description="Words to find.")],
        responses=s.RequestListOutput(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def search(self, request):
        query = (request.query_params.get("q") or "").strip()
        if not query:
            raise ValidationError({"q": [_("Give the words to search for.")]})
        return Response(s.RequestListOutput(selectors.search_requests(request.user, query), many=True).data)

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
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
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
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
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


@extend_schema(tags=["site visits"])
class SiteVisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Site visits of the enterprises the caller may see, with their records and signatures."""

    serializer_class = s.VisitOutput
    queryset = SiteVisit.objects.all()
    filterset_class = VisitFilter

    def scoped(self, qs):
        return qs.select_related(
            "coordinator_a__user", "coordinator_b__user", "record__written_by"
        ).prefetch_related("record__actions", "record__signatures__signer", "record__attachments")
