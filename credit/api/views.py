"""Credit API: the credit history of the enterprises the caller may see, and the public status look-up
(no sign-in; ``credit.public``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from credit import public
from credit.api.filters import CreditEventFilter
from credit.api.serializers import CreditEventOutput, PublicStatusOutput
from credit.models import CreditEvent
from portal import ratelimit
from portal.api.viewsets import ScopedViewSet


@extend_schema(tags=["credit"])
class CreditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    queryset = CreditEvent.objects.all()
    serializer_class = CreditEventOutput
    filterset_class = CreditEventFilter

    def scoped(self, queryset):
        return queryset.select_related("regime", "from_rating", "to_rating")


class PublicStatusView(APIView):
    """Anyone may look up the credit status of an enterprise by its exact code (rate-limited)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["public"],
        summary="The public credit status of an enterprise",
        parameters=[
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                required=True,
                description="Unified social credit code (18) or customs registration code (10).",
            )
        ],
        responses={
            200: PublicStatusOutput,
            400: OpenApiResponse(description="No code given."),
            404: OpenApiResponse(description="No enterprise has this code."),
            429: OpenApiResponse(description="Too many look-ups from this address."),
        },
        auth=[],
    )
    def get(self, request):
        code = (request.query_params.get("code") or "").strip()
        if not code:
            return Response({"detail": _("Give a unified social credit code or a customs code.")}, status=400)
        try:
            found = public.checked_lookup(request, code)
        except public.RateLimited as exc:
            return Response(
                {"detail": str(exc)},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(ratelimit.retry_after())},
            )
        if found is None:
            return Response({"detail": _("No enterprise is registered with this code.")}, status=404)
        return Response(PublicStatusOutput(found).data)
