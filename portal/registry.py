"""Extension points: how a lower layer shows or reacts to what a higher layer owns, without importing it.

The layer order (docs/ARCHITECTURE.md) lets an app import only the apps below it. Where a page or a rule
of a lower app needs a higher app's part — the enterprise home shows the coordinator pair and the open
requests; a credit downgrade ends the coordinator pair — the higher app *registers* its part here in its
``AppConfig.ready()``, and the lower app asks the registry. Each registry below says who calls it.

- ``enterprise_panels``: cards of the enterprise home page (``enterprises.views.home``) and of the
  enterprise file, each rendered from its own template and context function.
- ``request_sections``: sections of a coordination request's page (``coordination.views.requests``) that
  a higher app owns (liaison: the referrals to departments); ``context(request, obj)`` as for panels.
- ``hooks``: named synchronous hooks (``hooks.run(name, **kwargs)``), called inside the caller's
  transaction, so what they change commits or rolls back with the cause.
- ``enterprise_file``: the sections of the enterprise file (``enterprises.file_views``), the page on
  which an enterprise's coordinators, officers and managers see everything about it; each app adds the
  sections it owns (credit history, requests, appeals, visits, ...), each scoped by the viewer.
- ``enterprise_columns``: columns of "My enterprises" that a higher app fills for a page of enterprises
  at once (open and overdue requests: coordination).
- ``enterprise_documents``: the files each app keeps about an enterprise, listed together in the
  file's "Documents" section.
- ``desk_queues``: the queues of the officer's desk (``portal.views.officer_home``): appeals to triage,
  registration changes to decide, candidates, repair applications, transfers, overdue work.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    """A card on an enterprise page. ``context(request, enterprise)`` returns the template's context, or
    None to hide the card (e.g. the viewer may not see that part)."""

    name: str
    template: str
    context: Callable[[Any, Any], dict | None]
    order: int = 100
    width: str = "col-md-6 col-xl-4"


class PanelRegistry:
    def __init__(self) -> None:
        self._panels: dict[str, Panel] = {}

    def register(self, panel: Panel) -> None:
        self._panels[panel.name] = panel

    def render_context(self, request, enterprise) -> list[dict]:
        """The visible panels in order, each as ``{"panel": Panel, "ctx": dict}`` for the template."""
        shown = []
        for panel in sorted(self._panels.values(), key=lambda p: (p.order, p.name)):
            ctx = panel.context(request, enterprise)
            if ctx is not None:
                shown.append({"panel": panel, "ctx": ctx})
        return shown


class HookRegistry:
    """Named hooks. ``run`` calls every handler in registration order and returns their results."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Callable[..., Any]]] = defaultdict(list)

    def register(self, name: str, handler: Callable[..., Any]) -> None:
        if handler not in self._handlers[name]:
            self._handlers[name].append(handler)

    def run(self, name: str, **kwargs: Any) -> list[Any]:
        return [handler(**kwargs) for handler in self._handlers.get(name, [])]


@dataclass(frozen=True)
class FileSection:
    """A section of the enterprise file. ``context(enterprise, viewer)`` returns the template's context,
    or None when the viewer may not see that part (or there is nothing to show). Every read inside it
    goes through ``visible_to(viewer)``; each section reads a bounded number of rows in a constant
    number of queries, whatever the enterprise's history."""

    name: str
    title: Any  # a lazy translated string
    template: str
    context: Callable[[Any, Any], dict | None]
    order: int = 100


class FileSectionRegistry:
    def __init__(self) -> None:
        self._sections: dict[str, FileSection] = {}

    def register(self, section: FileSection) -> None:
        self._sections[section.name] = section

    @property
    def sections(self) -> list[FileSection]:
        return sorted(self._sections.values(), key=lambda s: (s.order, s.name))

    def render_context(self, enterprise, viewer) -> list[dict]:
        """The visible sections in order, each as ``{"section": FileSection, "ctx": dict}``."""
        shown = []
        for section in self.sections:
            ctx = section.context(enterprise, viewer)
            if ctx is not None:
                shown.append({"section": section, "ctx": ctx})
        return shown


@dataclass(frozen=True)
class EnterpriseColumn:
    """A column of "My enterprises": ``values(enterprise_ids, viewer)`` returns ``{id: value}`` for one
    page in one query; ``template`` renders one cell with ``value``."""

    name: str
    label: Any
    values: Callable[[list[int], Any], dict[int, Any]]
    template: str
    order: int = 100


@dataclass(frozen=True)
class Document:
    """A file about an enterprise, as the "Documents" section lists it."""

    name: str
    kind: Any  # what it belongs to, e.g. "Registration change", in the reader's language
    uploaded_at: Any
    size: int
    url: str
    context_url: str = ""  # the page of what it belongs to


@dataclass(frozen=True)
class DocumentSource:
    """``documents(enterprise, viewer, limit)`` returns at most ``limit`` of the newest files the viewer
    may see (``visible_to``), in one or two queries."""

    name: str
    documents: Callable[[Any, Any, int], list[Document]]


@dataclass(frozen=True)
class DeskQueue:
    """A queue of the officer's desk. ``rows(viewer)`` returns the queryset of the queue's items, scoped
    (``visible_to``) and ordered, with an index behind its filter and order (None: not this viewer's
    queue); the desk counts it up to a cap and shows the first few. ``link(request)`` is the filtered
    admin list (or page) to work it in; ``item(obj)`` gives ``(label, due, url)`` for one row."""

    name: str
    title: Any
    rows: Callable[[Any], Any]
    link: Callable[[Any], str]
    item: Callable[[Any], tuple[str, Any, str]]
    order: int = 100
    roles: frozenset[str] = frozenset({"customs_officer", "manager", "administrator"})
    overdue: Callable[[Any], Any] | None = None  # the overdue part of the queue, counted separately


class Registry:
    """A named collection of one kind of extension, in registration order."""

    def __init__(self) -> None:
        self._items: dict[str, Any] = {}

    def register(self, item) -> None:
        self._items[item.name] = item

    def all(self) -> list:
        return sorted(self._items.values(), key=lambda i: (getattr(i, "order", 100), i.name))


enterprise_panels = PanelRegistry()
request_sections = PanelRegistry()
hooks = HookRegistry()
enterprise_file = FileSectionRegistry()
enterprise_columns = Registry()
enterprise_documents = Registry()
desk_queues = Registry()
