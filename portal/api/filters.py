"""The API's filter backend: django-filter, strict.

A list answers a 400 naming every query parameter it does not know (a misspelt filter must never be
silently ignored and return everything) and every value it cannot use (django-filter's own validation).
Known parameters: the view's filterset's filters, the pagination's (``cursor``, ``page_size``) and
``format``.
"""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

ALWAYS_KNOWN = frozenset({"cursor", "page_size", "format"})


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) == "list":
            filterset_class = self.get_filterset_class(view, queryset)
            known = ALWAYS_KNOWN | set(filterset_class.base_filters if filterset_class else ())
            unknown = sorted(set(request.query_params) - known)
            if unknown:
                raise ValidationError({name: ["Unknown parameter."] for name in unknown})
        return super().filter_queryset(request, queryset, view)
