"""What the coordinators app shows in the enterprise file and in "My enterprises": the pair serving the
enterprise and its history; its recusals, for officers and managers only (a recusal's reason is about
a colleague, not something the other coordinators need to read)."""

from __future__ import annotations

from coordinators.models import PairAssignment, Recusal
from coordinators.selectors import current_pair
from portal.scoping import OFFICER_ROLES


def coordinators(enterprise, viewer) -> dict:
    sees_recusals = bool(viewer.roles & OFFICER_ROLES) or viewer.is_superuser
    return {
        "pair": current_pair(enterprise),
        "history": list(
            PairAssignment.objects.visible_to(viewer)
            .filter(enterprise=enterprise, ended_on__isnull=False)
            .select_related("coordinator_a__user", "coordinator_b__user")
            .order_by("-started_on", "-id")[:5]
        ),
        "recusals": list(
            Recusal.objects.visible_to(viewer)
            .filter(enterprise=enterprise)
            .select_related("coordinator__user")
            .order_by("-declared_at")[:10]
        )
        if sees_recusals
        else None,
    }


def pair_names(enterprise_ids: list[int], viewer) -> dict[int, str]:
    """The current pair of each enterprise of a page, in one query."""
    pairs = PairAssignment.objects.filter(
        enterprise_id__in=enterprise_ids, ended_on__isnull=True
    ).select_related("coordinator_a__user", "coordinator_b__user")
    return {p.enterprise_id: f"{p.coordinator_a} · {p.coordinator_b}" for p in pairs}
