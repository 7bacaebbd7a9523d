"""Upload checks for request attachments: size, extension, and the content itself (magic bytes), so a
renamed executable is refused whatever its name says. Files are stored privately
(``storage.PrivateStorage``) under a generated name."""

from __future__ import annotations

import hashlib
import os
import uuid
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from portal.exceptions import DomainError

from .. import conf

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
    upload: object
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
    allowed = conf.attachment_extensions()
    if extension not in allowed:
        raise AttachmentError(
            _("“%(name)s”: files of this type are not accepted. Allowed: %(allowed)s.")
            % {"name": name, "allowed": ", ".join(allowed)}
        )
    size = upload.size
    limit = conf.attachment_max_bytes()
    if size > limit:
        raise AttachmentError(
            _("“%(name)s” is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"name": name, "size": round(size / 1048576, 1), "limit": round(limit / 1048576, 1)}
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
    if len(uploads) > conf.max_attachments_per_upload():
        raise AttachmentError(
            _("Attach at most %(n)s files at a time.") % {"n": conf.max_attachments_per_upload()}
        )
    return [check_upload(u) for u in uploads]
