"""Who hears about an enterprise's credit: its members, its contact person, its coordinator pair."""

from __future__ import annotations

from django.db.models import Q
from django.utils.functional import lazy

from portal.models import User


def members(enterprise):
    """Active members of the enterprise (contact person and staff)."""
    return User.objects.filter(
        is_active=True, memberships__enterprise=enterprise, memberships__ended_at__isnull=True
    ).distinct()


def contact_person(enterprise):
    return User.objects.filter(
        is_active=True,
        memberships__enterprise=enterprise,
        memberships__ended_at__isnull=True,
        memberships__role="contact_person",
    ).first()


def coordinators(enterprise) -> list[User]:
    """The users of the enterprise's active coordinator pair (a recused coordinator is never in one)."""
    from coordinators.models import PairAssignment

    pair = PairAssignment.objects.filter(enterprise=enterprise, ended_on__isnull=True).values_list(
        "coordinator_a__user_id", "coordinator_b__user_id"
    )
    ids = [user_id for row in pair for user_id in row]
    return list(User.objects.filter(Q(pk__in=ids), is_active=True))


def lazy_format(message, **params):
    """``message % params`` rendered when used, so ``notify`` renders it in the portal's language."""
    return lazy(lambda: str(message) % params, str)()
