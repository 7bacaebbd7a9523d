from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from outreach.models import Announcement, AnnouncementAttachment
from portal.api.schema import named_enum

KindField = named_enum("AnnouncementKind", Announcement.Kind.choices)


class AnnouncementFileOutput(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = AnnouncementAttachment
        fields = ["id", "original_name", "content_type", "size", "download_url"]

    def get_download_url(self, obj) -> str:
        return reverse("outreach:announcement_attachment", args=[obj.pk])


class AnnouncementOutput(serializers.ModelSerializer):
    kind = KindField()
    files = AnnouncementFileOutput(many=True, source="attachments")

    class Meta:
        model = Announcement
        fields = ["id", "kind", "title", "body", "is_important", "published_at", "files"]
