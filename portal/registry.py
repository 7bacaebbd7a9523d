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


enterprise_panels = PanelRegistry()
request_sections = PanelRegistry()
hooks = HookRegistry()
