"""Announcements API: the published announcements addressed to the caller's enterprise (customs staff:
their district's). Reading one here does not record a read receipt: a receipt is a person's."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins

from outreach import services
from outreach.api.serializers import AnnouncementOutput
from outreach.models import Announcement
from portal.api.viewsets import ScopedViewSet


class AnnouncementFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Announcement.Kind.choices)
    is_important = django_filters.BooleanFilter()
    published_after = django_filters.DateTimeFilter(field_name="published_at", lookup_expr="gte")

    class Meta:
        model = Announcement
        fields = ["kind", "is_important", "published_after"]


@extend_schema(tags=["announcements"])
class AnnouncementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = AnnouncementOutput
    queryset = Announcement.objects.all()
    filterset_class = AnnouncementFilter

    def get_queryset(self):
        # The announcements' own rule (audience matching for enterprises), published ones only.
        return (
            services.announcements_visible_to(self.request.user)
            .filter(published_at__isnull=False)
            .prefetch_related("attachments")
        )
