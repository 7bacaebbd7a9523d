"""Every file the product accepts, in one place: checked by its content, kept in private storage,
served only through access-checked views.

- :func:`check_upload` / :func:`check_uploads` refuse a file by size, type *and content* (magic bytes:
  a renamed executable is refused whatever its name says) with a clear, translated message.
- :class:`PrivateFile` is the abstract model of a stored file (request and appeal attachments, training
  materials, and every attachment added later): a generated name in the ``private`` storage, the
  user's file name, content type, size and SHA-256, who uploaded it and when.
- The ``private`` storage (``STORAGES["private"]``, by default ``MEDIA_ROOT/private`` on disk) has no
  URL: files leave only through :func:`file_response`, which a view calls *after* checking that the
  user may see the owning object, with ``Cache-Control: private, no-store`` and ``nosniff``.
"""

from __future__ import annotations

import hashlib
import os
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import models
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.conf import attachment_extensions, tunable
from portal.exceptions import DomainError


class PrivateStorage(FileSystemStorage):
    """Files under ``MEDIA_ROOT/private`` (read at use, so a test's MEDIA_ROOT applies); never a URL."""

    @property
    def base_location(self):  # type: ignore[override]
        return os.path.join(settings.MEDIA_ROOT, "private")

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them with portal.uploads.file_response.")


def private_storage():
    return storages["private"]


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain; charset=utf-8",
    "zip": "application/zip",
}


class AttachmentError(DomainError):
    pass


@dataclass
class CheckedFile:
    upload: Any  # the uploaded file (Django's UploadedFile, or any file-like object with a name)
    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str
    stored_name: str


def _zip_names(upload) -> list[str] | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError:
            # The head may cut a multi-byte character; retry without its last few bytes.
            try:
                head[:-3].decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
    return False


def content_matches(extension: str, upload) -> bool:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension in ("doc", "xls"):
        return head.startswith(OLE)
    if extension in ("docx", "xlsx", "zip"):
        if not head.startswith(ZIP):
            return False
        names = _zip_names(upload)
        if names is None:
            return False
        if extension == "docx":
            return any(n.startswith("word/") for n in names)
        if extension == "xlsx":
            return any(n.startswith("xl/") for n in names)
        return True
    if extension == "txt":
        return _looks_like_text(head)
    return False


def check_upload(upload) -> CheckedFile:
    """Validate one uploaded file; raise ``AttachmentError`` with a clear message if it is refused."""
    name = os.path.basename(getattr(upload, "name", "") or "").strip() or "file"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = attachment_extensions()
    if extension not in allowed:
        raise AttachmentError(
            _("“%(name)s”: files of this type are not accepted. Allowed: %(allowed)s.")
            % {"name": name, "allowed": ", ".join(allowed)}
        )
    size = upload.size
    limit = int(tunable("ATTACHMENT_MAX_BYTES"))
    if size > limit:
        raise AttachmentError(
            _("“%(name)s” is too large (%(size)s): files may be no larger than %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    if size == 0:
        raise AttachmentError(_("“%(name)s” is empty.") % {"name": name})
    if not content_matches(extension, upload):
        raise AttachmentError(
            _("“%(name)s”: the content is not a valid .%(ext)s file.") % {"name": name, "ext": extension}
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(
        upload=upload,
        original_name=name[:200],
        extension=extension,
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
        size=size,
        sha256=digest.hexdigest(),
        stored_name=f"{uuid.uuid4().hex}.{extension}",
    )


def check_uploads(uploads) -> list[CheckedFile]:
    uploads = [u for u in uploads or [] if u]
    limit = int(tunable("MAX_FILES_PER_UPLOAD"))
    if len(uploads) > limit:
        raise AttachmentError(
            ngettext("Attach at most %(n)s file at a time.", "Attach at most %(n)s files at a time.", limit)
            % {"n": limit}
        )
    return [check_upload(u) for u in uploads]


def _upload_to(instance: PrivateFile, filename: str) -> str:
    # The stored name is ours; the user's file name is kept in ``original_name`` only.
    return f"{instance.UPLOAD_PREFIX}/{timezone.now():%Y/%m}/{instance.stored_name}"


class PrivateFile(models.Model):
    """A stored file. Subclasses add the owner (a request, an appeal, a session, ...) and set
    ``UPLOAD_PREFIX``; create rows with :meth:`from_checked`."""

    UPLOAD_PREFIX = "files"

    file = models.FileField(
        gettext_lazy("file"), upload_to=_upload_to, storage=private_storage, max_length=300
    )
    stored_name = models.CharField(gettext_lazy("stored name"), max_length=80, editable=False)
    original_name = models.CharField(gettext_lazy("file name"), max_length=200)
    content_type = models.CharField(gettext_lazy("content type"), max_length=100)
    size = models.PositiveBigIntegerField(gettext_lazy("size (bytes)"))
    sha256 = models.CharField(gettext_lazy("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("uploaded by"),
    )
    uploaded_at = models.DateTimeField(gettext_lazy("uploaded at"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def from_checked(cls, checked: CheckedFile, *, uploaded_by, **owner):
        """Write the file and its row. Call after every check passed, inside the service's transaction:
        a later failure rolls back the row and leaves only an unreferenced private file (never served)."""
        row = cls(
            stored_name=checked.stored_name,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=uploaded_by,
            **owner,
        )
        row.file.save(checked.stored_name, checked.upload, save=False)
        row.save()
        return row


def file_response(stored: PrivateFile) -> FileResponse:
    """Send a stored file as a download. The caller has already checked that the user may see it."""
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=stored.original_name, content_type=stored.content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
