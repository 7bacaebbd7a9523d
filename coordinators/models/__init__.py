"""Coordinators app models. One module per concern; everything is re-exported here."""

from .coordinator import (
    Coordinator,
    Disqualification,
    DisqualificationGround,
    PairAssignment,
    Recusal,
    RecusalReason,
)

__all__ = [
    "Coordinator",
    "Disqualification",
    "DisqualificationGround",
    "PairAssignment",
    "Recusal",
    "RecusalReason",
]
