"""Enterprises app models: ``core`` (enterprises, memberships, registration changes) and ``outreach``
(training, announcements, calendar tokens)."""

from .core import (
    Enterprise,
    EnterpriseQuerySet,
    EnterpriseUserObjectPermission,
    Industry,
    Membership,
    MembershipRole,
    RegistrationChange,
)
from .outreach import (
    Announcement,
    AnnouncementDigest,
    AnnouncementReceipt,
    CalendarToken,
    TrainingInvitation,
    TrainingMaterial,
    TrainingRegistration,
    TrainingSession,
)

__all__ = [
    "Announcement",
    "AnnouncementDigest",
    "AnnouncementReceipt",
    "CalendarToken",
    "Enterprise",
    "EnterpriseQuerySet",
    "EnterpriseUserObjectPermission",
    "Industry",
    "Membership",
    "MembershipRole",
    "RegistrationChange",
    "TrainingInvitation",
    "TrainingMaterial",
    "TrainingRegistration",
    "TrainingSession",
]
