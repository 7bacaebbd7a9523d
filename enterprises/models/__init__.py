"""Enterprises app models: ``core`` (enterprises, memberships, registration changes)."""

from .core import (
    Enterprise,
    EnterpriseQuerySet,
    EnterpriseUserObjectPermission,
    Industry,
    Membership,
    MembershipRole,
    RegistrationChange,
)

__all__ = [
    "Enterprise",
    "EnterpriseQuerySet",
    "EnterpriseUserObjectPermission",
    "Industry",
    "Membership",
    "MembershipRole",
    "RegistrationChange",
]
