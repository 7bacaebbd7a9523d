from __future__ import annotations

import django_filters

from appeals.models import OPEN_STATUSES, Appeal, AppealStatus, AppealType


class AppealFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AppealStatus.choices)
    appeal_type = django_filters.ChoiceFilter(choices=AppealType.choices)
    enterprise = django_filters.NumberFilter(field_name="enterprise_id")
    filed_after = django_filters.DateTimeFilter(field_name="filed_at", lookup_expr="gte")
    is_open = django_filters.BooleanFilter(method="filter_open")

    class Meta:
        model = Appeal
        fields = ["status", "appeal_type", "enterprise", "filed_after", "is_open"]

    def filter_open(self, queryset, name, value):
        return (
            queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)
        )
