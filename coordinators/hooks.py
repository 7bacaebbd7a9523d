"""How coordinators react to what lower apps decide (portal.registry hooks, registered in
``CoordinatorsConfig.ready``): an enterprise whose new rating no longer gets coordinators loses its
pair in the same transaction as the credit event."""

from __future__ import annotations

from coordinators.models import PairAssignment
from coordinators.services import end_pair_for_enterprise
from credit.services import RATING_CHANGED
from portal.registry import hooks


def end_pair_when_no_longer_served(*, enterprise, rating, actor, on) -> None:
    if not rating.gets_coordinators:
        end_pair_for_enterprise(
            enterprise=enterprise, reason=PairAssignment.EndReason.NO_LONGER_AEO, actor=actor, on=on
        )


def register() -> None:
    hooks.register(RATING_CHANGED, end_pair_when_no_longer_served)
