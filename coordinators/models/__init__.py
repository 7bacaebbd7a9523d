"""Coordinators app models. One module per concern; everything is re-exported here."""

from .coordinator import (
    Coordinator,
    Disqualification,
    DisqualificationGround,
    PairAssignment,
    Recusal,
    RecusalReason,
)
from .requests import (
    CLOCK_RUNNING_STATUSES,
    OPEN_STATUSES,
    CoordinationRequest,
    PublishedAnswer,
    RequestAttachment,
    RequestHandler,
    RequestMessage,
    RequestStatus,
    RequestTransfer,
    RequestTransition,
    ServiceLevel,
    ServiceType,
    SiteVisit,
    Urgency,
)

__all__ = [
    "CLOCK_RUNNING_STATUSES",
    "OPEN_STATUSES",
    "CoordinationRequest",
    "Coordinator",
    "Disqualification",
    "DisqualificationGround",
    "PairAssignment",
    "PublishedAnswer",
    "Recusal",
    "RecusalReason",
    "RequestAttachment",
    "RequestHandler",
    "RequestMessage",
    "RequestStatus",
    "RequestTransfer",
    "RequestTransition",
    "ServiceLevel",
    "ServiceType",
    "SiteVisit",
    "Urgency",
]
