"""Navigation by role: one table of menu entries, each with the roles that see it.

Apps register their entries here (a URL name that later issues may fill in); a URL name that does not
resolve yet is skipped, so the menu never links to a missing page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from portal.roles import Role

if TYPE_CHECKING:  # django-stubs-ext is a dev dependency
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: StrOrPromise
    roles: frozenset[str]
    # Narrower than a role (e.g. only the officers named liaison officers): called with the user.
    visible: Callable[[Any], bool] | None = None


ENTERPRISE = frozenset({Role.CONTACT_PERSON, Role.ENTERPRISE_STAFF})
COORDINATOR = frozenset({Role.COORDINATOR})
OFFICER = frozenset({Role.CUSTOMS_OFFICER, Role.MANAGER})
MANAGER = frozenset({Role.MANAGER})

NAV: list[NavEntry] = [
    NavEntry("enterprises:home", _("My enterprise"), ENTERPRISE),
    NavEntry("coordination:request_list", _("My requests"), ENTERPRISE),
    NavEntry("coordination:knowledge_base", _("Published answers"), ENTERPRISE | COORDINATOR),
    NavEntry("appeals:list", _("Appeals"), ENTERPRISE),
    NavEntry("credit:home", _("Credit"), ENTERPRISE),
    NavEntry("coordination:workspace", _("Workspace"), COORDINATOR),
    NavEntry("portal:officer_home", _("Officer desk"), OFFICER),
    NavEntry("supervision:dashboard", _("Workload dashboard"), MANAGER),
]


def navigation_for(user, current_path: str = "") -> list[dict]:
    items = []
    roles = user.roles
    for entry in NAV:
        if not (entry.roles & roles) or (entry.visible is not None and not entry.visible(user)):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": entry.label, "active": current_path.startswith(url)})
    return items


NAV += [
    NavEntry("outreach:announcement_list", _("Announcements"), ENTERPRISE | OFFICER),
    NavEntry("outreach:training_list", _("Training"), ENTERPRISE | OFFICER),
    NavEntry("outreach:calendar", _("Calendar"), ENTERPRISE | COORDINATOR),
    NavEntry("enterprises:my_registration", _("Registration data"), ENTERPRISE),
    NavEntry("credit:selfexam_list", _("Self-examination"), ENTERPRISE),
    NavEntry("credit:selfexam_overview", _("Self-examinations"), COORDINATOR | OFFICER),
    NavEntry("compliance:assessment_list", _("Assessments"), COORDINATOR),
    NavEntry("compliance:enterprise_home", _("Compliance assessment"), ENTERPRISE),
]
