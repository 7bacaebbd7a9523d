"""The one base of every API viewset: its queryset is ``visible_to(request.user)`` (``portal.scoping``),
so a list never shows, and a detail by id never finds (404), what the caller may not see; ids are
numeric (a non-numeric id is a 404, never a 500)."""

from __future__ import annotations

from rest_framework import viewsets


class ScopedViewSet(viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return self.scoped(super().get_queryset().visible_to(self.request.user))

    def scoped(self, queryset):
        """Narrow, filter or join the scoped queryset (override; the scope itself is applied already)."""
        return queryset
