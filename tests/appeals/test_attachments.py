"""Appeal attachments go through portal/uploads.py: checked by content (an executable named invoice.pdf
is refused, on the page and through the API), and served privately (``Cache-Control: private,
no-store``, ``nosniff``, as a download) to those who may see the appeal only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appeals.models import Appeal, AppealAttachment
from tests.world import pdf

pytestmark = pytest.mark.django_db

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program"


def _exe():
    return SimpleUploadedFile("invoice.pdf", EXECUTABLE, content_type="application/pdf")


def test_an_executable_named_invoice_pdf_is_refused_on_the_page(client, world):
    client.force_login(world.contact)
    response = client.post(
        reverse("appeals:file"),
        {"appeal_type": "penalty", "subject": "Fine", "grounds": "Wrong.", "attachments": [_exe()]},
    )
    assert response.status_code == 200  # the form again
    assert "not a valid .pdf file" in response.content.decode()
    assert not Appeal.objects.exists() and not AppealAttachment.objects.exists()


def test_an_executable_named_invoice_pdf_is_refused_by_the_api(client, world):
    client.force_login(world.contact)
    response = client.post(
        "/api/appeals/",
        {"appeal_type": "penalty", "subject": "Fine", "grounds": "Wrong.", "attachments": [_exe()]},
    )
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_downloads_are_private_no_store_nosniff_and_scoped(client, world):
    appeal = world.file_appeal("penalty", attachments=[pdf()])
    attachment = appeal.attachments.get()
    url = reverse("appeals:attachment", args=[attachment.pk])
    client.force_login(world.contact)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(world.other_contact)
    assert client.get(url).status_code == 404
