"""Liaison API: referrals (customs staff: list what they may see, refer, answer, pass an answer on) and
department notices (the coordinators they reached). Thin: scoped reads, writes through the services;
domain errors become 400/403/409."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from coordination.models import CoordinationRequest
from liaison import services
from liaison.api import serializers as s
from liaison.models import DepartmentNotice, Referral
from portal.api.viewsets import ScopedViewSet
from portal.models import Department


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Referral.Status.choices)

    class Meta:
        model = Referral
        fields = ["status"]


@extend_schema(tags=["referrals"])
class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.ReferralOutput
    queryset = Referral.objects.all()
    filterset_class = ReferralFilter

    def scoped(self, queryset):
        return queryset.select_related("department", "answer").order_by("-referred_at", "-pk")

    @extend_schema(request=s.ReferralInput, responses={201: s.ReferralOutput}, summary="Refer a question")
    def create(self, request):
        data = s.ReferralInput(data=request.data)
        data.is_valid(raise_exception=True)
        obj = (
            CoordinationRequest.objects.visible_to(request.user)
            .filter(pk=data.validated_data["request"])
            .first()
        )
        department = Department.objects.filter(pk=data.validated_data["department"]).first()
        if obj is None:
            raise ValidationError({"request": ["No such request."]})
        if department is None:
            raise ValidationError({"department": ["No such department."]})
        referral = services.refer(
            request=obj, department=department, question=data.validated_data["question"], actor=request.user
        )
        return Response(s.ReferralOutput(referral).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.AnswerInput, responses={200: s.ReferralOutput}, summary="Answer for the department"
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = s.AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        referral = services.answer_referral(
            referral=self.get_object(), body=data.validated_data["body"], actor=request.user
        )
        return Response(s.ReferralOutput(referral).data)

    @extend_schema(
        request=None, responses={200: s.ReferralOutput}, summary="Send the answer to the enterprise"
    )
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        referral = services.share_answer(referral=self.get_object(), actor=request.user)
        return Response(s.ReferralOutput(referral).data)


@extend_schema(tags=["department notices"])
class DepartmentNoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.NoticeOutput
    queryset = DepartmentNotice.objects.all()

    def scoped(self, queryset):
        return queryset.select_related("department").order_by("-published_at", "-pk")
