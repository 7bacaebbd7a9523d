"""Bulk import of enterprises (CSV and .xlsx; management command and admin page): all or nothing, and
every bad row reported with its line number and reason."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from credit.models import CreditEvent
from enterprises.importing import import_enterprises
from enterprises.models import Enterprise
from portal.demo_ids import make_uscc
from tests.factories import EnterpriseFactory, LocalCustomsFactory

HEADER = ["uscc", "customs_code", "name_zh", "registered_address", "district", "local_customs", "rating"]


def _rows(world, n=2, override=None):
    override = override or {}
    rows = []
    for i in range(n):
        row = {
            "uscc": make_uscc(700_000_000 + i),
            "customs_code": f"77{i:08d}",
            "name_zh": f"导入企业{i}",
            "registered_address": "北京市",
            "district": world.office.district.code,
            "local_customs": world.office.code,
            "rating": "",
        }
        row.update(override.get(i, {}))
        rows.append(row)
    return rows


def _csv(rows, header=HEADER) -> bytes:
    lines = [",".join(header)] + [",".join(str(r.get(h, "")) for h in header) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _xlsx(rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append([r.get(h, "") for h in header])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _messages(result):
    return [str(e) for e in result.errors]


def test_valid_csv_imports_every_row_with_its_rating(world):
    rows = _rows(world, 3, {0: {"rating": "advanced_certified"}})
    result = import_enterprises(data=_csv(rows), filename="list.csv", actor=world.officer)
    assert result.ok and len(result.created) == 3
    rated = Enterprise.objects.get(uscc=rows[0]["uscc"])
    assert rated.rating.code == "advanced_certified" and rated.recertification_due is not None
    assert CreditEvent.objects.filter(enterprise=rated).count() == 1
    assert Enterprise.objects.get(uscc=rows[1]["uscc"]).rating is None


def test_valid_xlsx_imports(world):
    result = import_enterprises(data=_xlsx(_rows(world, 2)), filename="list.xlsx")
    assert result.ok and Enterprise.objects.count() == 2


def test_chinese_headings_are_understood(world):
    header = ["统一社会信用代码", "海关编码", "企业名称", "注册地址", "直属海关", "隶属海关"]
    row = _rows(world, 1)[0]
    data = (",".join(header) + "\n" + ",".join(row[h] for h in HEADER[:6]) + "\n").encode()
    assert import_enterprises(data=data, filename="企业.csv").ok


@pytest.mark.parametrize("make", [_csv, _xlsx])
def test_any_bad_row_imports_nothing_and_every_bad_row_is_reported_by_line(world, make):
    existing = EnterpriseFactory(local_customs=world.office)
    foreign = LocalCustomsFactory()
    good = make_uscc(700_000_050)
    rows = _rows(
        world,
        8,
        {
            1: {"uscc": good[:-1] + ("0" if good[-1] != "0" else "1")},  # line 3: check character
            2: {"customs_code": "12AB"},  # line 4: format
            3: {"uscc": make_uscc(700_000_000)},  # line 5: duplicate of line 2 in the file
            4: {"customs_code": existing.customs_code},  # line 6: duplicate in the database
            5: {"district": "ZZZZ"},  # line 7: unknown district
            6: {"local_customs": foreign.code},  # line 8: office of another district
            7: {"name_zh": "", "rating": "no_such_rating"},  # line 9: empty + unknown rating
        },
    )
    result = import_enterprises(data=make(rows), filename="list." + ("csv" if make is _csv else "xlsx"))
    assert not result.ok and Enterprise.objects.count() == 1
    lines = {e.line for e in result.errors}
    assert lines == {3, 4, 5, 6, 7, 8, 9}
    text = "\n".join(_messages(result))
    assert "Line 3:" in text and "check character" in text
    assert "Line 4:" in text and "10 digits" in text
    assert "also on line 2" in text
    assert existing.customs_code in text and "already exists" in text
    assert "Unknown customs district code ZZZZ" in text
    assert "does not belong to the district" in text
    assert "name_zh is empty" in text and "Unknown credit rating no_such_rating" in text


def test_missing_required_columns_are_reported(world):
    result = import_enterprises(data=b"uscc,name_zh\nx,y\n", filename="a.csv")
    assert not result.ok
    assert "Missing required columns" in _messages(result)[0] and "customs_code" in _messages(result)[0]


def test_unreadable_xlsx_is_reported(world):
    result = import_enterprises(data=b"this is not a zip", filename="a.xlsx")
    assert not result.ok and "cannot be read" in _messages(result)[0]


def test_wrong_file_type_is_reported(world):
    result = import_enterprises(data=b"%PDF-1.4", filename="a.pdf")
    assert not result.ok and "not a CSV" in _messages(result)[0]


def test_empty_file_is_reported(world):
    assert not import_enterprises(data=b"", filename="a.csv").ok


def test_command_imports_a_valid_file(world, tmp_path, capsys):
    path = tmp_path / "list.xlsx"
    path.write_bytes(_xlsx(_rows(world, 2)))
    call_command("import_enterprises", str(path))
    assert "Imported 2 enterprises" in capsys.readouterr().out
    assert Enterprise.objects.count() == 2


def test_command_fails_with_line_numbers_and_imports_nothing(world, tmp_path, capsys):
    path = tmp_path / "list.csv"
    path.write_bytes(_csv(_rows(world, 2, {1: {"customs_code": "bad"}})))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_enterprises", str(path))
    assert "Line 3:" in capsys.readouterr().err
    assert not Enterprise.objects.exists()


def test_admin_import_page_imports_a_valid_file(client, world):
    client.force_login(world.officer)
    url = reverse("admin:enterprises_enterprise_import")
    upload = io.BytesIO(_csv(_rows(world, 2)))
    upload.name = "list.csv"
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    assert Enterprise.objects.count() == 2


def test_admin_import_page_lists_the_bad_rows_and_imports_nothing(client, world):
    client.force_login(world.officer)
    url = reverse("admin:enterprises_enterprise_import")
    upload = io.BytesIO(_xlsx(_rows(world, 3, {2: {"district": "QQQQ"}})))
    upload.name = "list.xlsx"
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    assert "Line 4:" in response.content.decode() and "QQQQ" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_admin_import_page_needs_the_add_permission(client, world):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:enterprises_enterprise_import")).status_code == 403
