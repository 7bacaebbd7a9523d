"""Text the system writes, stored as a message and its parameters, rendered in the reader's language.

A notification, a line the system adds to a request's thread or history, an e-mail: each is composed by
a service long before someone reads it, and its readers may read Chinese or English. So the service
stores *what* to say — the English source message (its gettext msgid) and the parameters — and the page
or e-mail renders it in the reader's language at the time of reading:

    title = text("Request #%(number)s “%(subject)s”: %(status)s",
                 number=request.pk, subject=request.subject, status=label("request_status", "accepted"))
    title.as_json()   # {"msgid": "...", "params": {...}} — what is stored
    render(stored)     # "申请 #12 “出口退税”：已受理" in zh-hans, "Request #12 ..." in English

Parameters are plain values (user-written text stays as written), other ``Text``s, labels of registered
choices (``label(name, value)``; apps register their TextChoices with :func:`register_labels`),
bilingual names (``name_of(enterprise)``), dates and times (rendered in the portal's time zone). ``plural_text`` picks the plural form by a
count. ``manage.py makemessages`` extracts ``text`` and ``plural_text`` (portal's makemessages adds the
keywords), so every message is in the catalogs and ``tests/portal/test_i18n.py`` checks its Chinese.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Choices
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

_labels: dict[str, type[Choices]] = {}


def register_labels(name: str, choices: type[Choices]) -> None:
    """Make ``label(name, value)`` render ``choices(value).label`` in the reader's language."""
    _labels[name] = choices


@dataclass(frozen=True)
class Text:
    """A message to render later: the msgid (and plural msgid) and its parameters."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)
    plural: str = ""
    count: int | None = None

    def as_json(self) -> dict:
        data: dict[str, Any] = {
            "msgid": self.msgid,
            "params": {k: _param_json(v) for k, v in self.params.items()},
        }
        if self.plural:
            data["plural"] = self.plural
            data["count"] = self.count
        return data

    def __str__(self) -> str:
        return render(self.as_json())


def text(msgid: str, **params: Any) -> Text:
    return Text(msgid, params)


def plural_text(singular: str, plural: str, count: int, **params: Any) -> Text:
    return Text(singular, {"count": count, **params}, plural=plural, count=count)


def label(name: str, value: str | int) -> dict:
    return {"label": [name, value]}


def name_of(obj) -> dict:
    """A bilingual name (enterprise, office, district): rendered in English when the reader reads English
    and an English name exists."""
    return {"names": [obj.name_zh, getattr(obj, "name_en", "") or ""]}


def _param_json(value: Any) -> Any:
    if isinstance(value, Text):
        return value.as_json()
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, dict | str | int | float | bool) or value is None:
        return value
    return str(value)  # a model instance, a lazy string: its text in the active language now


def _render_param(value: Any) -> Any:
    if isinstance(value, dict):
        if "msgid" in value:
            return render(value)
        if "label" in value:
            name, raw = value["label"]
            choices = _labels.get(name)
            try:
                return str(choices(raw).label) if choices else raw
            except ValueError:
                return raw
        if "names" in value:
            zh, en = value["names"]
            return en if en and (translation.get_language() or "").startswith("en") else zh
        if "date" in value:
            return datetime.date.fromisoformat(value["date"]).strftime("%Y-%m-%d")
        if "datetime" in value:
            moment = timezone.localtime(datetime.datetime.fromisoformat(value["datetime"]))
            return moment.strftime("%Y-%m-%d %H:%M")
    return value


def render(stored: Any, language: str | None = None) -> str:
    """The text of a stored message (or a plain string, returned as is) in ``language`` or the active one."""
    if stored is None or stored == "":
        return ""
    if isinstance(stored, str):
        return stored
    if isinstance(stored, Text):
        stored = stored.as_json()
    if language:
        with translation.override(language):
            return render(stored)
    params = {k: _render_param(v) for k, v in (stored.get("params") or {}).items()}
    if stored.get("plural"):
        template = ngettext(stored["msgid"], stored["plural"], stored.get("count") or 0)
    else:
        template = gettext(stored["msgid"])
    try:
        return template % params if params else template
    except (KeyError, TypeError, ValueError):
        # A translation with a broken placeholder must not hide the message: fall back to the source.
        return stored["msgid"] % params if params else stored["msgid"]


def stored(value: Any) -> Any:
    """What to store for ``value``: a ``Text`` as its JSON, a lazy or plain string as text."""
    if isinstance(value, Text):
        return value.as_json()
    return "" if value is None else str(value)
