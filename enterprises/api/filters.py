"""Filters of the enterprise API (django-filter): each on an indexed column of the row."""

from __future__ import annotations

import django_filters

from enterprises.models import Enterprise


class EnterpriseFilter(django_filters.FilterSet):
    uscc = django_filters.CharFilter(field_name="uscc", help_text="Exact unified social credit code.")
    customs_code = django_filters.CharFilter(field_name="customs_code", help_text="Exact customs code.")
    rating = django_filters.CharFilter(field_name="rating__code", help_text="Code of the current rating.")
    is_aeo = django_filters.BooleanFilter(field_name="rating__is_aeo")
    recertification_due_before = django_filters.DateFilter(
        field_name="recertification_due", lookup_expr="lte"
    )
    local_customs = django_filters.NumberFilter(field_name="local_customs_id")

    class Meta:
        model = Enterprise
        fields = ["uscc", "customs_code", "rating", "is_aeo", "recertification_due_before", "local_customs"]
