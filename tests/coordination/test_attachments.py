"""Attachments: size and type limits, content checked (not only the extension), stored privately;
a refused file changes nothing."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coordination.models import CoordinationRequest, RequestAttachment
from portal import uploads as attachments
from tests.world import PNG, pdf

pytestmark = pytest.mark.django_db


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.pdf", b"%PDF-1.7\n..."),
        ("a.png", PNG),
        ("a.jpg", b"\xff\xd8\xff\xe0JFIF"),
        ("a.docx", docx_bytes()),
        ("说明.txt", "中文说明".encode()),
    ],
)
def test_accepted_files(name, content):
    checked = attachments.check_upload(SimpleUploadedFile(name, content))
    assert checked.size == len(content) and checked.stored_name.endswith(name.rsplit(".", 1)[1])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.exe", b"MZ\x90\x00"),
        ("fake.pdf", b"MZ\x90\x00 this is an executable"),
        ("fake.png", b"%PDF-1.4"),
        ("fake.docx", b"PK\x03\x04 not really a zip"),
        ("binary.txt", b"\x00\x01\x02"),
        ("empty.pdf", b""),
        ("noextension", b"%PDF-1.4"),
    ],
)
def test_refused_files(name, content):
    with pytest.raises(attachments.AttachmentError):
        attachments.check_upload(SimpleUploadedFile(name, content))


def test_too_large_file_is_refused(settings):
    settings.GUANQI = {**settings.GUANQI, "ATTACHMENT_MAX_BYTES": 100}
    with pytest.raises(attachments.AttachmentError, match=r"too large|过大"):
        attachments.check_upload(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 200))


def test_a_refused_attachment_files_nothing(world):
    with pytest.raises(attachments.AttachmentError):
        world.file_request(files=[pdf(), SimpleUploadedFile("evil.pdf", b"MZ")])
    assert not CoordinationRequest.objects.exists()
    assert not RequestAttachment.objects.exists()


def test_the_filing_page_shows_a_clear_error_for_a_bad_file(client, world):
    client.force_login(world.contact)
    response = client.post(
        reverse("coordination:request_create"),
        {
            "service_type": "consulting",
            "subject": "测试",
            "description": "测试描述",
            "urgency": "normal",
            "attachments": [SimpleUploadedFile("evil.pdf", b"MZ\x90")],
        },
    )
    assert response.status_code == 200
    assert "evil.pdf" in response.content.decode()
    assert not CoordinationRequest.objects.exists()


def test_stored_file_keeps_the_original_name_for_download(client, world):
    r = world.file_request(files=[pdf("发票.pdf")])
    attachment = r.attachments.get()
    assert attachment.original_name == "发票.pdf" and "发票" not in attachment.file.name
    client.force_login(world.staff)
    response = client.get(reverse("coordination:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
