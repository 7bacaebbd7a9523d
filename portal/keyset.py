"""Keyset (cursor) pagination for big lists: a page is the rows after the last one shown, in an order
with an index behind it, so no list ever counts or offsets through a million rows."""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime

PAGE_SIZE = 25


@dataclass
class KeysetPage:
    items: list
    next_cursor: str | None = None
    extra: dict = field(default_factory=dict)


def _encode(value, pk: int) -> str:
    raw = json.dumps([value.isoformat() if isinstance(value, datetime.date) else value, pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str):
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if isinstance(value, str) and len(value) == 10:
            parsed = parse_date(value)
        else:
            parsed = parse_datetime(value) if isinstance(value, str) else None
        return (parsed if parsed is not None else value), int(pk)
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        return None


def keyset_page(
    queryset: QuerySet, *, field_name: str, descending: bool, cursor: str | None, size: int = PAGE_SIZE
) -> KeysetPage:
    """One page of ``queryset`` ordered by (``field_name``, id); an invalid cursor means the first page."""
    order = [f"-{field_name}", "-id"] if descending else [field_name, "id"]
    queryset = queryset.order_by(*order)
    position = _decode(cursor) if cursor else None
    if position is not None:
        value, pk = position
        if descending:
            queryset = queryset.filter(
                Q(**{f"{field_name}__lt": value}) | Q(**{field_name: value, "pk__lt": pk})
            )
        else:
            queryset = queryset.filter(
                Q(**{f"{field_name}__gt": value}) | Q(**{field_name: value, "pk__gt": pk})
            )
    rows = list(queryset[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = _encode(getattr(last, field_name), last.pk)
    return KeysetPage(items=rows, next_cursor=next_cursor)
