from __future__ import annotations

import django_filters

from credit.models import CreditEvent, CreditEventReason


class CreditEventFilter(django_filters.FilterSet):
    enterprise = django_filters.NumberFilter(field_name="enterprise_id")
    reason = django_filters.ChoiceFilter(choices=CreditEventReason.choices)
    effective_after = django_filters.DateFilter(field_name="effective_date", lookup_expr="gte")
    effective_before = django_filters.DateFilter(field_name="effective_date", lookup_expr="lte")

    class Meta:
        model = CreditEvent
        fields = ["enterprise", "reason", "effective_after", "effective_before"]
