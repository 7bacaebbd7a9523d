"""Bulk import of enterprises from CSV or Excel (.xlsx): all or nothing.

The file is read and every row checked first (USCC check character, customs-code format, duplicates in
the file and against the database, district and local customs codes, the local customs belonging to the
district, the model's own validation). A file with any bad row imports nothing and the report names every
bad row by its line number and reason. A clean file is registered in one transaction through
``enterprises.services.register_enterprise``.

Apps above this one add columns with :func:`register_columns` (credit: ``rating`` and ``rated_on``, the
initial rating recorded as a credit event in the same transaction): their checks run with the others,
so a bad value in any column imports nothing.

Used by the admin's import page and the ``import_enterprises`` management command.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from enterprises.models import Enterprise, Industry
from enterprises.services import register_enterprise
from enterprises.validators import clean_uscc, validate_customs_code
from portal.conf import tunable
from portal.exceptions import DomainError
from portal.models import District, LocalCustoms

REQUIRED = ("uscc", "customs_code", "name_zh", "registered_address", "district", "local_customs")
OPTIONAL = (
    "name_en",
    "industry",
    "is_listed",
    "employees",
    "premises",
    "phone",
    "email",
)
# Column headings accepted besides the English field names (templates circulated in Chinese).
ALIASES = {
    "统一社会信用代码": "uscc",
    "海关编码": "customs_code",
    "海关注册编码": "customs_code",
    "企业名称": "name_zh",
    "中文名称": "name_zh",
    "英文名称": "name_en",
    "注册地址": "registered_address",
    "直属海关": "district",
    "隶属海关": "local_customs",
    "行业": "industry",
    "是否上市": "is_listed",
    "员工人数": "employees",
    "经营场所": "premises",
    "电话": "phone",
    "电子邮箱": "email",
}
TRUE_WORDS = {"1", "true", "yes", "y", "是", "上市"}
FALSE_WORDS = {"", "0", "false", "no", "n", "否"}


@dataclass(frozen=True)
class RowError:
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: list[Enterprise] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class UnreadableFile(Exception):
    pass


@dataclass(frozen=True)
class ImportColumns:
    """Columns an upper app adds to the import.

    ``prepare(rows)`` fetches what the whole file refers to (once, not per row); ``check(row, prepared)``
    returns the row's problems and a value; ``apply(enterprise, value, actor, filename)`` writes that value
    for each registered enterprise inside the import's transaction (raise ``DomainError`` to refuse).
    """

    name: str
    columns: tuple[str, ...]
    aliases: dict[str, str]
    prepare: Callable[[list[dict]], Any]
    check: Callable[[dict, Any], tuple[list[str], Any]]
    apply: Callable[..., None]


_extra_columns: dict[str, ImportColumns] = {}


def register_columns(columns: ImportColumns) -> None:
    _extra_columns[columns.name] = columns


def optional_columns() -> tuple[str, ...]:
    return OPTIONAL + tuple(c for extra in _extra_columns.values() for c in extra.columns)


def _aliases() -> dict[str, str]:
    aliases = dict(ALIASES)
    for extra in _extra_columns.values():
        aliases.update(extra.aliases)
    return aliases


def _normalise_header(value) -> str:
    text = str(value or "").strip().lstrip("\ufeff")
    return _aliases().get(text, text.lower().replace(" ", "_"))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _read_csv(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise UnreadableFile(_("The file is not text in UTF-8 or GB18030."))
    if "\x00" in text:
        raise UnreadableFile(_("The file is not a CSV text file."))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return [], []
        rows = []
        for values in reader:
            rows.append((reader.line_num, [_cell(v) for v in values]))
    except csv.Error as exc:
        raise UnreadableFile(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from None
    return [_normalise_header(h) for h in header], rows


def _read_xlsx(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableFile(
            _("The Excel file cannot be read (%(error)s).") % {"error": exc.__class__.__name__}
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        header = next(rows_iter, None)
        if header is None:
            return [], []
        rows = [(number, [_cell(v) for v in values]) for number, values in enumerate(rows_iter, start=2)]
    finally:
        workbook.close()
    return [_normalise_header(h) for h in header], rows


def read_table(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(column names, [(line number, values)]) of a .csv or .xlsx file; UnreadableFile otherwise."""
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".csv":
        return _read_csv(data)
    if suffix == ".xlsx":
        return _read_xlsx(data)
    raise UnreadableFile(
        _("%(name)s is not a CSV (.csv) or Excel (.xlsx) file.") % {"name": filename or _("The file")}
    )


class _Lookups:
    """Everything the rows refer to, fetched once per file (not per row)."""

    def __init__(self, rows: list[dict]):
        self.districts = {d.code: d for d in District.objects.filter(code__in={r["district"] for r in rows})}
        self.offices = {
            c.code: c for c in LocalCustoms.objects.filter(code__in={r["local_customs"] for r in rows})
        }
        usccs, codes = set(), set()
        for row in rows:
            with contextlib.suppress(ValidationError):
                usccs.add(clean_uscc(row["uscc"]))
            codes.add(row["customs_code"])
        self.existing_usccs = set(Enterprise.objects.filter(uscc__in=usccs).values_list("uscc", flat=True))
        self.existing_codes = set(
            Enterprise.objects.filter(customs_code__in=codes).values_list("customs_code", flat=True)
        )
        self.extra = {name: extra.prepare(rows) for name, extra in _extra_columns.items()}


def _parse_bool(value: str) -> bool | None:
    lowered = value.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    return None


def _check_row(line: int, row: dict, lookups: _Lookups, seen: dict) -> tuple[list[str], dict]:
    """Return (reasons, fields for register_enterprise) for one row."""
    reasons: list[str] = []
    fields: dict = {}
    for column in REQUIRED:
        if not row.get(column):
            reasons.append(_("%(column)s is empty.") % {"column": column})
    uscc = row.get("uscc", "")
    if uscc:
        try:
            uscc = clean_uscc(uscc)
        except ValidationError as exc:
            reasons.extend(exc.messages)
            uscc = ""
    if uscc:
        if uscc in seen["uscc"]:
            reasons.append(
                _("The unified social credit code %(value)s is also on line %(other)d.")
                % {"value": uscc, "other": seen["uscc"][uscc]}
            )
        else:
            seen["uscc"][uscc] = line
        if uscc in lookups.existing_usccs:
            reasons.append(
                _("An enterprise with the unified social credit code %(value)s already exists.")
                % {"value": uscc}
            )
    code = row.get("customs_code", "")
    if code:
        try:
            validate_customs_code(code)
        except ValidationError as exc:
            reasons.extend(exc.messages)
            code = ""
    if code:
        if code in seen["customs_code"]:
            reasons.append(
                _("The customs registration code %(value)s is also on line %(other)d.")
                % {"value": code, "other": seen["customs_code"][code]}
            )
        else:
            seen["customs_code"][code] = line
        if code in lookups.existing_codes:
            reasons.append(
                _("An enterprise with the customs registration code %(value)s already exists.")
                % {"value": code}
            )
    district = lookups.districts.get(row.get("district", ""))
    if row.get("district") and district is None:
        reasons.append(_("Unknown customs district code %(value)s.") % {"value": row["district"]})
    office = lookups.offices.get(row.get("local_customs", ""))
    if row.get("local_customs") and office is None:
        reasons.append(_("Unknown local customs code %(value)s.") % {"value": row["local_customs"]})
    if district is not None and office is not None and office.district_id != district.pk:
        reasons.append(
            _("The local customs %(customs)s does not belong to the district %(district)s.")
            % {"customs": office.code, "district": district.code}
        )
    industry = row.get("industry", "") or Industry.OTHER
    if industry not in Industry.values:
        by_label = {str(label): value for value, label in Industry.choices}
        industry = by_label.get(industry, industry)
        if industry not in Industry.values:
            reasons.append(_("Unknown industry %(value)s.") % {"value": row["industry"]})
    is_listed = _parse_bool(row.get("is_listed", ""))
    if is_listed is None:
        reasons.append(_("“Listed company” must be yes or no, not %(value)s.") % {"value": row["is_listed"]})
    employees = None
    if row.get("employees"):
        try:
            employees = int(row["employees"])
            if employees < 0:
                raise ValueError
        except ValueError:
            reasons.append(
                _("Employees must be a whole number, not %(value)s.") % {"value": row["employees"]}
            )
    fields.update(
        uscc=uscc,
        customs_code=code,
        name_zh=row.get("name_zh", ""),
        name_en=row.get("name_en", ""),
        registered_address=row.get("registered_address", ""),
        district=district,
        local_customs=office,
        industry=industry,
        is_listed=bool(is_listed),
        employees=employees,
        premises=row.get("premises", ""),
        phone=row.get("phone", ""),
        email=row.get("email", ""),
    )
    if not reasons:
        candidate = Enterprise(**fields)
        try:
            candidate.full_clean(validate_unique=False)
        except ValidationError as exc:
            reasons.extend(exc.messages)
    extra_values = {}
    for name, extra in _extra_columns.items():
        extra_reasons, extra_values[name] = extra.check(row, lookups.extra[name])
        reasons.extend(extra_reasons)
    return reasons, {"fields": fields, "extra": extra_values}


def check_file(data: bytes, filename: str) -> tuple[list[RowError], list[tuple[int, dict]]]:
    """Every problem of the file, and the prepared rows (used only when there is no problem)."""
    try:
        header, raw_rows = read_table(data, filename)
    except UnreadableFile as exc:
        return [RowError(None, str(exc))], []
    if not header:
        return [RowError(None, _("The file is empty."))], []
    errors: list[RowError] = []
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        errors.append(
            RowError(1, _("Missing required columns: %(columns)s.") % {"columns": ", ".join(missing)})
        )
    unknown = [h for h in header if h and h not in REQUIRED + optional_columns()]
    if unknown:
        errors.append(RowError(1, _("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)}))
    if errors:
        return errors, []
    rows = []
    for line, values in raw_rows:
        if not any(values):
            continue  # blank lines (common at the end of spreadsheets) are not rows
        if len(values) > len(header) and any(values[len(header) :]):
            errors.append(RowError(line, _("The row has more values than the header has columns.")))
            continue
        rows.append(
            (
                line,
                {column: (values[i] if i < len(values) else "") for i, column in enumerate(header) if column},
            )
        )
    if not rows and not errors:
        return [RowError(None, _("The file has no enterprise rows."))], []
    limit = int(tunable("IMPORT_MAX_ROWS"))
    if len(rows) > limit:
        return [
            RowError(
                None,
                ngettext(
                    "The file has %(n)d row; import at most %(max)d at a time.",
                    "The file has %(n)d rows; import at most %(max)d at a time.",
                    len(rows),
                )
                % {"n": len(rows), "max": limit},
            )
        ], []
    lookups = _Lookups([row for _line, row in rows])
    seen: dict[str, dict[str, int]] = {"uscc": {}, "customs_code": {}}
    prepared: list[tuple[int, dict]] = []
    for line, row in rows:
        reasons, checked = _check_row(line, row, lookups, seen)
        errors.extend(RowError(line, reason) for reason in reasons)
        prepared.append((line, checked))
    return errors, prepared


def import_enterprises(*, data: bytes, filename: str, actor=None) -> ImportResult:
    """Import every row of the file or none of them."""
    errors, prepared = check_file(data, filename)
    result = ImportResult(errors=errors)
    if errors:
        return result
    try:
        with transaction.atomic():
            for line, values in prepared:
                try:
                    enterprise = register_enterprise(actor=actor, **values["fields"])
                    for name, extra in _extra_columns.items():
                        extra.apply(enterprise, values["extra"][name], actor=actor, filename=filename)
                except DomainError as exc:
                    # A row the checks passed but a service refused (e.g. a concurrent registration).
                    result.errors.append(RowError(line, exc.message))
                    raise
                result.created.append(enterprise)
    except DomainError:
        result.created = []
    return result


# --- The template offered for download ------------------------------------------------------------------

EXAMPLE = {
    "uscc": "91110105MA01ABCD26",
    "customs_code": "1105960123",
    "name_zh": "北京示例贸易有限公司",
    "registered_address": "北京市朝阳区示例路1号",
    "district": "0100",
    "local_customs": "0101",
    "name_en": "Beijing Example Trading Co., Ltd.",
    "industry": Industry.TRADING.value,
    "is_listed": "否",
    "employees": "120",
    "rating": "高级认证企业",
    "rated_on": "2025-01-15",
}


def template_columns(language: str) -> list[tuple[str, str]]:
    """(heading, column) of every column the import reads: the Chinese headings in Chinese (the file
    may keep them; ``ALIASES`` reads them back), the field names otherwise."""
    chinese: dict[str, str] = {}
    for heading, column in _aliases().items():
        chinese.setdefault(column, heading)
    columns = list(REQUIRED) + list(optional_columns())
    use_chinese = (language or "").startswith("zh")
    return [(chinese.get(c, c) if use_chinese else c, c) for c in columns]


def template_rows() -> list[dict]:
    """One example row (to be replaced): shows each column's format."""
    return [EXAMPLE]
