"""Filters of the coordination API (django-filter). Each filters an indexed column of the request (or
the visit); ``q`` searches the requests and their messages in full text (``coordination.search``)."""

from __future__ import annotations

import django_filters

from coordination.models import OPEN_STATUSES, CoordinationRequest, RequestStatus, ServiceType, SiteVisit


class RequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices)
    service_type = django_filters.ChoiceFilter(choices=ServiceType.choices)
    enterprise = django_filters.NumberFilter(field_name="enterprise_id")
    filed_after = django_filters.DateTimeFilter(field_name="filed_at", lookup_expr="gte")
    filed_before = django_filters.DateTimeFilter(field_name="filed_at", lookup_expr="lt")
    is_open = django_filters.BooleanFilter(method="filter_open", label="Open requests only")

    class Meta:
        model = CoordinationRequest
        fields = ["status", "service_type", "enterprise", "filed_after", "filed_before", "is_open"]

    def filter_open(self, queryset, name, value):
        return (
            queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)
        )


class VisitFilter(django_filters.FilterSet):
    enterprise = django_filters.NumberFilter(field_name="enterprise_id")
    status = django_filters.ChoiceFilter(choices=SiteVisit.Status.choices)
    scheduled_after = django_filters.DateTimeFilter(field_name="scheduled_for", lookup_expr="gte")
    scheduled_before = django_filters.DateTimeFilter(field_name="scheduled_for", lookup_expr="lt")

    class Meta:
        model = SiteVisit
        fields = ["enterprise", "status", "scheduled_after", "scheduled_before"]
