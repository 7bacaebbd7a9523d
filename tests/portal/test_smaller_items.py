"""The smaller items of the desks issue: the import reads Chinese rating names and offers a template it
reads back; exports write Yes/No (never True/False) and real Excel dates; icons are a vendored font with
text for screen readers (no emoji); /favicon.ico exists; make run's port reaches the e-mail link."""

from __future__ import annotations

import csv
import datetime
import io
import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from credit.models import CreditEvent
from enterprises.importing import import_enterprises
from enterprises.models import Enterprise
from portal.demo_ids import make_uscc
from portal.exports import export_response

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def _csv(world, **row) -> bytes:
    base = {
        "uscc": make_uscc(710_000_001),
        "customs_code": "7100000001",
        "name_zh": "导入评级企业",
        "registered_address": "北京市",
        "district": world.office.district.code,
        "local_customs": world.office.code,
    }
    base.update(row)
    return (",".join(base) + "\n" + ",".join(base.values()) + "\n").encode()


def test_the_import_reads_a_chinese_rating_name(world):
    result = import_enterprises(
        data=_csv(world, rating="高级认证企业"), filename="企业.csv", actor=world.officer
    )
    assert result.ok, [str(e) for e in result.errors]
    enterprise = Enterprise.objects.get(customs_code="7100000001")
    assert enterprise.rating.code == "advanced_certified"
    assert CreditEvent.objects.filter(enterprise=enterprise).count() == 1


def test_an_unknown_rating_name_is_refused_with_the_names_it_knows(world):
    result = import_enterprises(data=_csv(world, rating="五星企业"), filename="企业.csv", actor=world.officer)
    assert not result.ok and not Enterprise.objects.filter(customs_code="7100000001").exists()
    message = " ".join(str(e) for e in result.errors)
    assert "五星企业" in message and "高级认证企业" in message


def test_the_template_is_headed_in_the_readers_language_and_imports_back(client, world):
    client.force_login(world.officer)
    url = reverse("admin:enterprises_enterprise_import_template", args=["csv"])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    text = _body(response).decode("utf-8-sig")
    header, example = list(csv.reader(io.StringIO(text)))[:2]
    assert "统一社会信用代码" in header and "高级认证企业" in example
    # Replace the example row with a real one: the file as downloaded is read back.
    values = dict(zip(header, example, strict=True))
    values.update(
        {
            "统一社会信用代码": make_uscc(710_000_002),
            "海关编码": "7100000002",
            "直属海关": world.office.district.code,
            "隶属海关": world.office.code,
        }
    )
    out = io.StringIO()
    csv.writer(out).writerows([header, [values[h] for h in header]])
    result = import_enterprises(data=out.getvalue().encode(), filename="template.csv", actor=world.officer)
    assert result.ok, [str(e) for e in result.errors]
    assert Enterprise.objects.get(customs_code="7100000002").rating.code == "advanced_certified"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert _body(english).decode("utf-8-sig").startswith("uscc,customs_code,")
    assert (
        client.get(reverse("admin:enterprises_enterprise_import_template", args=["pdf"])).status_code == 404
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_exports_write_yes_no_and_excel_keeps_dates():
    rows = [{"name": "甲", "listed": True, "due": datetime.date(2027, 3, 1)}, {"name": "乙", "listed": False}]
    columns = [("Name", "name"), ("Listed", "listed"), ("Due", "due")]
    with translation.override("en"):
        text = _body(export_response(rows, columns, fmt="csv", filename="x")).decode("utf-8-sig")
    assert "True" not in text and "False" not in text
    assert "甲,Yes,2027-03-01" in text and "乙,No," in text
    with translation.override("zh-hans"):
        text = _body(export_response(rows, columns, fmt="csv", filename="x")).decode("utf-8-sig")
    assert "甲,是,2027-03-01" in text
    book = load_workbook(io.BytesIO(_body(export_response(rows, columns, fmt="xlsx", filename="x"))))
    sheet = book.active
    due = sheet.cell(row=2, column=3)
    assert due.is_date and due.value.date() == datetime.date(2027, 3, 1)


def test_icons_are_a_vendored_font_with_text_for_screen_readers(client, world):
    client.force_login(world.contact)
    page = client.get(reverse("enterprises:home")).content.decode()
    bell = page.split('data-testid="bell"')[1].split("</a>")[0]
    assert 'class="bi bi-bell-fill" aria-hidden="true"' in bell
    assert '<span class="visually-hidden">Notifications</span>' in bell
    assert "bootstrap-icons" in page and finders.find("vendor/bootstrap-icons/bootstrap-icons.min.css")
    templates = "".join(p.read_text() for p in (ROOT / "templates").rglob("*.html"))
    for emoji in ("🔔", "📎", "⚠", "✅", "📅"):
        assert emoji not in templates, emoji


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.ico")
    assert finders.find("img/favicon.ico")


def test_make_runs_port_reaches_the_portal_url_of_e_mails():
    """scripts/run.sh derives GUANQI_PORTAL_URL from the host and port it serves, unless one is set."""
    script = (ROOT / "scripts" / "run.sh").read_text()
    head = "\n".join(
        line
        for line in script.splitlines()
        if line.startswith(("HOST=", "PORT=", "export GUANQI_PORTAL_URL"))
    )
    env = {
        k: v for k, v in os.environ.items() if k not in ("GUANQI_PORTAL_URL", "GUANQI_PORT", "GUANQI_HOST")
    }
    run = subprocess.run(
        ["bash", "-c", head + '\necho "$GUANQI_PORTAL_URL"'],
        env={**env, "GUANQI_PORT": "8123"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.strip().endswith(":8123")
    preset = subprocess.run(
        ["bash", "-c", head + '\necho "$GUANQI_PORTAL_URL"'],
        env={**env, "GUANQI_PORT": "8123", "GUANQI_PORTAL_URL": "https://guanqi.example"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert preset.stdout.strip() == "https://guanqi.example"
