"""Reads about coordinators: the parts of a user's scope this app owns, an enterprise's current pair,
and the advanced-certified enterprises still waiting for one."""

from __future__ import annotations

from typing import Any

from coordinators.models import Coordinator, PairAssignment, Recusal
from enterprises.models import Enterprise
from portal.roles import CUSTOMS_ROLES


def provide_scope(user, fields: dict[str, Any]) -> None:
    """Scope provider (registered in ``CoordinatorsConfig.ready``): the user's coordinator id and the
    enterprises they withdrew from — never visible to them, by any path (one query)."""
    if not user.roles & CUSTOMS_ROLES:
        return  # only customs staff can be coordinators
    rows = list(Coordinator.objects.filter(user_id=user.pk).values_list("pk", "recusals__enterprise_id"))
    if not rows:
        return
    fields["coordinator_id"] = rows[0][0]
    fields["excluded_enterprise_ids"] = frozenset(e for _, e in rows if e is not None)


def current_pair(enterprise) -> PairAssignment | None:
    return (
        PairAssignment.objects.select_related(
            "coordinator_a__user",
            "coordinator_b__user",
            "coordinator_a__local_customs",
            "coordinator_b__local_customs",
        )
        .filter(enterprise=enterprise, ended_on__isnull=True)
        .first()
    )


def enterprises_needing_pair():
    """Advanced-certified enterprises without an active pair."""
    return Enterprise.objects.filter(rating__gets_coordinators=True).exclude(
        pk__in=PairAssignment.objects.filter(ended_on__isnull=True).values("enterprise_id")
    )


def is_recused(coordinator: Coordinator, enterprise) -> bool:
    return Recusal.objects.filter(coordinator=coordinator, enterprise=enterprise).exists()
