"""What the coordinators app shows in the enterprise file and in "My enterprises": the pair serving the
enterprise and its history; its recusals, for officers and managers only (a recusal's reason is about
a colleague, not something the other coordinators need to read) and its rotations (when a coordinator
reached the district's longest service with the enterprise), also for officers and managers."""

from __future__ import annotations

from coordinators.models import PairAssignment, Recusal, Rotation
from coordinators.selectors import current_pair
from portal.scoping import OFFICER_ROLES


def coordinators(enterprise, viewer) -> dict:
    sees_recusals = bool(viewer.roles & OFFICER_ROLES) or viewer.is_superuser
    pair = current_pair(enterprise)
    return {
        "pair": pair,
        # Each coordinator with the date they began serving the enterprise (kept across a rotation).
        "members": [(c, pair.since_of(c)) for c in pair.coordinators] if pair else [],
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
        "rotations": list(
            Rotation.objects.visible_to(viewer)
            .filter(enterprise=enterprise)
            .select_related("coordinator__user", "substitute__user")
            .order_by("-listed_on", "-id")[:5]
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
