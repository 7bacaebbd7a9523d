"""Reads of enterprise data for pages (scoping itself lives in enterprises.scoping)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.utils.translation import gettext as _

from enterprises.models import Enterprise, Membership, MembershipRole, RegistrationChange
from portal.models import User

if TYPE_CHECKING:
    from django.db.models import Field


@dataclass(frozen=True)
class ChangeRow:
    field: str
    label: str
    before: str
    after: str


def _display(field_name: str, value) -> str:
    field = cast("Field", Enterprise._meta.get_field(field_name))  # registration data: concrete fields
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def change_rows(change: RegistrationChange) -> list[ChangeRow]:
    """The before/after of a registration change, labelled and displayed in the active language."""
    rows = []
    for name, (before, after) in change.changes.items():
        label = str(cast("Field", Enterprise._meta.get_field(name)).verbose_name)
        rows.append(ChangeRow(name, label, _display(name, before), _display(name, after)))
    return rows


def active_members(enterprise) -> list[Membership]:
    """Current members, the contact person first."""
    members = Membership.objects.select_related("user").filter(enterprise=enterprise, ended_at__isnull=True)
    return sorted(members, key=lambda m: (m.role != MembershipRole.CONTACT_PERSON, m.started_at))


def contact_person_history(enterprise, limit: int = 20) -> list[Membership]:
    return list(
        Membership.objects.select_related("user", "changed_by")
        .filter(enterprise=enterprise, role=MembershipRole.CONTACT_PERSON)
        .order_by("-started_at")[:limit]
    )


def registration_changes(enterprise, limit: int = 20) -> list[RegistrationChange]:
    return list(
        RegistrationChange.objects.select_related("submitted_by", "decided_by")
        .prefetch_related("attachments")
        .filter(enterprise=enterprise)
        .order_by("-submitted_at", "-id")[:limit]
    )


# --- Who hears about an enterprise (recipients of notices) -----------------------------------------


def _granted_users(enterprise, codename: str):

    return User.objects.filter(
        is_active=True,
        enterpriseuserobjectpermission__content_object=enterprise,
        enterpriseuserobjectpermission__permission__codename=codename,
    ).distinct()


def members(enterprise):
    """Active members of the enterprise (contact person and staff)."""
    return _granted_users(enterprise, "view_enterprise")


def contact_person_user(enterprise):
    """The enterprise's designated contact person (a user), or None."""
    return _granted_users(enterprise, "represent_enterprise").first()


def coordinator_users(enterprise) -> list:
    """The users of the enterprise's active coordinator pair (a recused coordinator is never in one)."""
    return list(_granted_users(enterprise, "coordinate_enterprise"))
