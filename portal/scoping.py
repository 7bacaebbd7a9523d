"""Who sees what: one scoping design for every page, admin list, API endpoint and export.

A user's :class:`Scope` is resolved once (a few small queries) and turned into a filter on columns the
row itself carries, so every scoped list stays an index scan at a million enterprises:

- administrators see everything;
- customs officers and managers see their district's rows: ``district_id = N`` (the district is copied
  onto every enterprise-owned row by the service that writes it);
- enterprise members (contact person, staff) and coordinators see the rows of the enterprises granted to
  them in django-guardian — the one record of per-object grants, kept in step by the services that start
  and end memberships and coordinator pairs — as a literal list: ``enterprise_id IN (7, 12)``;
- a coordinator never sees an enterprise they withdrew (recused) from, whatever else would let them:
  ``excluded_enterprise_ids`` is subtracted last;
- a model may widen (requests transferred to the user's office) or narrow (the integrity channel)
  the rule with ``scope_extra`` / ``scope_restrict``.

Never ``enterprise_id IN (SELECT id FROM enterprise WHERE district_id = …)``: at a few hundred thousand
enterprises per district Postgres re-scans that subplan per row (docs/ARCHITECTURE.md, "Scoping").

The parts of a scope that live in domain apps (memberships and grants in ``enterprises``, recusals in
``coordinators``) are filled in by *providers* those apps register (``register_provider``): this module
imports no domain app. A model declares how it is scoped with a :class:`ScopeRule` and uses
:class:`ScopedQuerySet` (``Model.objects.visible_to(user)``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q

from portal.models import LocalCustoms
from portal.roles import Role

OFFICER_ROLES = frozenset({Role.CUSTOMS_OFFICER, Role.MANAGER})


@dataclass(frozen=True)
class Scope:
    """What one user may see. Built by :func:`scope_of`; never stored."""

    user_id: int
    roles: frozenset[str]
    is_admin: bool = False
    district_id: int | None = None  # officers and managers: their district's rows
    office_id: int | None = None  # customs staff: their local customs office
    department_id: int | None = None
    management_district_id: int | None = None  # managers of a district's Management Department
    led_office_ids: frozenset[int] = frozenset()  # officers who lead a local customs office
    member_enterprise_ids: frozenset[int] = frozenset()
    contact_enterprise_ids: frozenset[int] = frozenset()  # where the user is the contact person
    coordinated_enterprise_ids: frozenset[int] = frozenset()  # the user's coordinator pairs
    excluded_enterprise_ids: frozenset[int] = frozenset()  # recusals: never, by any path
    coordinator_id: int | None = None

    @property
    def enterprise_ids(self) -> frozenset[int]:
        """Enterprises granted to the user one by one (membership or coordinator pair), minus recusals."""
        return (self.member_enterprise_ids | self.coordinated_enterprise_ids) - self.excluded_enterprise_ids

    @property
    def sees_district(self) -> bool:
        return self.district_id is not None and bool(self.roles & OFFICER_ROLES)

    @property
    def is_customs(self) -> bool:
        return self.is_admin or bool(self.roles & (OFFICER_ROLES | {Role.COORDINATOR}))


Provider = Callable[[Any, dict[str, Any]], None]
_providers: list[Provider] = []
_generation = 0
_lock = threading.Lock()


def register_provider(provider: Provider) -> None:
    """A domain app adds the parts of a scope it owns: ``provider(user, fields)`` updates ``fields``."""
    if provider not in _providers:
        _providers.append(provider)


def grants_changed() -> None:
    """Called by the services that change grants (memberships, pairs, recusals): scopes resolved before
    in this process are recomputed on their next use."""
    global _generation
    with _lock:
        _generation += 1


def scope_of(user) -> Scope | None:
    """The scope of ``user`` (None for anonymous or inactive users, who see nothing).

    Cached on the user object until a grant changes (``grants_changed``); a request's user is fetched
    afresh for every request, so nothing outlives the request in production.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active or not user.pk:
        return None
    key = (_generation, user.local_customs_id, user.department_id, user.roles)
    cached = getattr(user, "_guanqi_scope", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    roles = user.roles
    fields: dict[str, Any] = {
        "user_id": user.pk,
        "roles": roles,
        "is_admin": Role.ADMINISTRATOR in roles,
        "office_id": user.local_customs_id,
        "department_id": user.department_id,
    }
    if roles & OFFICER_ROLES:
        fields["district_id"] = user.district_id_for_scope
        fields["led_office_ids"] = frozenset(
            LocalCustoms.objects.filter(leader=user).values_list("pk", flat=True)
        )
    if Role.MANAGER in roles and user.department_id and user.department.is_management_department:
        fields["management_district_id"] = user.department.district_id
    for provider in _providers:
        provider(user, fields)
    scope = Scope(**fields)
    user._guanqi_scope = (key, scope)
    return scope


@dataclass(frozen=True)
class ScopeRule:
    """How a model's rows are scoped.

    ``enterprise`` and ``district`` are the paths of the row's own enterprise and district columns
    (``"pk"`` for the enterprise itself; ``enterprise=None`` for rows of the customs organisation, such
    as coordinators, scoped by district only). A child row without its own columns names its parent
    relation in ``via`` and is scoped exactly as the parent (through a join, never an id subquery).
    """

    enterprise: str | None = "enterprise"
    district: str | None = "district"
    via: str | None = None


def _path(prefix: str, name: str) -> str:
    if name == "pk":
        return f"{prefix}pk" if not prefix else f"{prefix.removesuffix('__')}"
    return f"{prefix}{name}_id" if not name.endswith("_id") else f"{prefix}{name}"


def scope_q(model: type[models.Model], scope: Scope, prefix: str = "") -> Q | None:
    """The filter that keeps ``scope``'s rows of ``model`` (None: every row)."""
    rule: ScopeRule = model.scope_rule  # type: ignore[attr-defined]
    if rule.via:
        parent = model._meta.get_field(rule.via).related_model
        q = scope_q(parent, scope, f"{prefix}{rule.via}__")  # type: ignore[arg-type]
    else:
        q = None if scope.is_admin else _base_q(rule, scope, prefix)
        extra = model.scope_extra(scope, prefix) if hasattr(model, "scope_extra") else None
        if extra is not None and q is not None:
            q |= extra
        if scope.excluded_enterprise_ids and rule.enterprise:
            excluded = ~Q(**{f"{_path(prefix, rule.enterprise)}__in": sorted(scope.excluded_enterprise_ids)})
            q = excluded if q is None else q & excluded
    restrict = model.scope_restrict(scope, prefix) if hasattr(model, "scope_restrict") else None
    if restrict is not None:
        q = restrict if q is None else q & restrict
    return q


def _base_q(rule: ScopeRule, scope: Scope, prefix: str) -> Q:
    q = Q(pk__in=[])
    if scope.sees_district and rule.district:
        q |= Q(**{_path(prefix, rule.district): scope.district_id})
    if scope.enterprise_ids and rule.enterprise:
        q |= Q(**{f"{_path(prefix, rule.enterprise)}__in": sorted(scope.enterprise_ids)})
    return q


class ScopedQuerySet(models.QuerySet):
    """``Model.objects.visible_to(user)``: only the rows ``user`` may see (see the module docstring)."""

    def visible_to(self, user):
        scope = scope_of(user)
        if scope is None:
            return self.none()
        q = scope_q(self.model, scope)
        return self if q is None else self.filter(q)


def can_see(user, obj: models.Model) -> bool:
    """Whether ``user`` may see ``obj`` (one query)."""
    manager = type(obj)._default_manager
    return manager.visible_to(user).filter(pk=obj.pk).exists()  # type: ignore[attr-defined]
