"""CSV and Excel exports of the dashboard's tables: the same selector as the page, streamed (CSV) or
written by openpyxl's write-only workbook (Excel), and bounded by ``EXPORT_MAX_ROWS``.

A yes/no value is written as "Yes"/"No" in the reader's language (never Python's True/False); in Excel,
dates and times are real date cells (sortable, filterable), in local time, formatted as ISO dates."""

from __future__ import annotations

import csv
import datetime
import decimal
import tempfile
from collections.abc import Iterable

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _

from portal.conf import tunable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value):
        return value


DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.timedelta):
        return round(value.total_seconds() / 3600, 1)  # hours
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float | decimal.Decimal):
        return value
    return force_str(value)


def _typed(value):
    """For Excel: dates and times stay dates (naive, in local time); the rest as in CSV."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value
    return _cell(value)


def _excel_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def _rows(rows: Iterable, columns, typed: bool = False) -> Iterable[list]:
    """``rows`` are dicts (``.values()``) or objects; a column key may be a dotted attribute path."""
    for count, row in enumerate(rows):
        if count >= int(tunable("EXPORT_MAX_ROWS")):
            break
        out = []
        for _label, key in columns:
            if isinstance(row, dict):
                value = row.get(key)
            else:
                value = row
                for part in key.split("."):
                    value = getattr(value, part, None)
                    if callable(value):
                        value = value()
            out.append(_typed(value) if typed else _cell(value))
        yield out


def _iterate(rows):
    return rows.iterator(chunk_size=2000) if hasattr(rows, "iterator") else iter(rows)


def export_response(rows, columns: list[tuple[str, str]], *, fmt: str, filename: str):
    """``columns``: (header, key). ``rows``: a queryset or an iterable of dicts/objects."""
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=filename[:31])
        sheet.append([force_str(label) for label, _key in columns])
        for row in _rows(_iterate(rows), columns, typed=True):
            sheet.append([_excel_cell(sheet, value) for value in row])
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
        workbook.save(handle)
        handle.seek(0)
        return FileResponse(
            handle, as_attachment=True, filename=f"{filename}-{stamp}.xlsx", content_type=XLSX
        )
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so Excel opens UTF-8 Chinese correctly
        yield writer.writerow([force_str(label) for label, _key in columns])
        for row in _rows(_iterate(rows), columns):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    return response
