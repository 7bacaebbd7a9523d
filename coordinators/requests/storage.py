"""Private storage for request attachments: under MEDIA_ROOT/private, never reachable by URL.

Files are served only by ``coordinators.views_requests.attachment_download``, which checks access.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    @cached_property
    def base_location(self):
        # Read at use (not import) so a test's MEDIA_ROOT override applies.
        return os.path.join(settings.MEDIA_ROOT, "private")

    def url(self, name):
        raise ValueError("Private files have no public URL; use the download view.")


def private_storage() -> PrivateStorage:
    return PrivateStorage()
