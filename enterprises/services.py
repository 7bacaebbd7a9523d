"""Enterprise services: registration, members (contact person, staff), registration changes.

Every write to an enterprise's identity or membership goes through here; views, admin actions, the API
and the importer call these functions.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises import scoping
from enterprises.models import (
    Enterprise,
    Membership,
    MembershipRole,
    RegistrationChange,
    RegistrationChangeAttachment,
)
from enterprises.validators import clean_uscc
from portal import uploads
from portal.exceptions import ConflictError, DomainError, PermissionDeniedError
from portal.roles import Role
from portal.scoping import can_see


def _validation_message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@transaction.atomic
def register_enterprise(*, actor=None, **fields) -> Enterprise:
    """Create an enterprise after validating every field (USCC check character included)."""
    if "uscc" in fields:
        try:
            fields["uscc"] = clean_uscc(fields["uscc"])
        except ValidationError as exc:
            raise DomainError(_validation_message(exc)) from None
    enterprise = Enterprise(**fields)
    try:
        enterprise.full_clean()
    except ValidationError as exc:
        raise DomainError(_validation_message(exc)) from None
    check_local_customs_in_district(district=enterprise.district, local_customs=enterprise.local_customs)
    enterprise._history_user = actor  # type: ignore[attr-defined]
    enterprise.save()
    return enterprise


def check_local_customs_in_district(*, district, local_customs) -> None:
    """An enterprise is registered with a local customs office of its own district."""
    if local_customs is not None and district is not None and local_customs.district_id != district.pk:
        raise DomainError(
            _("The local customs office %(customs)s does not belong to the district %(district)s.")
            % {"customs": local_customs, "district": district}
        )


def _add_role(user, role: str) -> None:
    user.groups.add(Group.objects.get(name=role))
    user.__dict__.pop("roles", None)


def _drop_role_if_unused(user, role: str) -> None:
    if not Membership.objects.filter(user=user, role=role, ended_at__isnull=True).exists():
        user.groups.remove(Group.objects.get(name=role))
        user.__dict__.pop("roles", None)


def _start_membership(
    *, enterprise, user, role, position="", is_senior_executive=False, actor=None
) -> Membership:
    active = Membership.objects.select_for_update().filter(user=user, ended_at__isnull=True).first()
    if active is not None and active.enterprise_id != enterprise.pk:
        raise ConflictError(
            _("%(user)s is already a member of %(enterprise)s.")
            % {"user": user, "enterprise": active.enterprise}
        )
    if active is not None:
        _end_membership(active, actor=actor)
    membership = Membership.objects.create(
        enterprise=enterprise,
        user=user,
        role=role,
        position=position,
        is_senior_executive=is_senior_executive,
        changed_by=actor,
    )
    _add_role(user, role)
    scoping.grant(scoping.VIEW, user, enterprise)
    if role == MembershipRole.CONTACT_PERSON:
        scoping.grant(scoping.REPRESENT, user, enterprise)
    return membership


def _end_membership(membership: Membership, *, actor=None) -> None:
    membership.ended_at = timezone.now()
    membership.changed_by = actor
    membership.save(update_fields=["ended_at", "changed_by"])
    _drop_role_if_unused(membership.user, membership.role)
    if membership.role == MembershipRole.CONTACT_PERSON:
        scoping.revoke(scoping.REPRESENT, membership.user, membership.enterprise)
    if not Membership.objects.filter(
        user=membership.user, enterprise=membership.enterprise, ended_at__isnull=True
    ).exists():
        scoping.revoke(scoping.VIEW, membership.user, membership.enterprise)


@transaction.atomic
def designate_contact_person(
    *, enterprise, user, position: str, actor=None, keep_previous_as_staff: bool = True
) -> Membership:
    """Make ``user`` the enterprise's one contact person; the previous one is ended (history kept).

    The contact person must be a senior executive in charge of customs affairs (docs/DOMAIN.md).
    """
    if not position.strip():
        raise DomainError(
            _("State the contact person's position (a senior executive in charge of customs affairs).")
        )
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    current = Membership.objects.filter(
        enterprise=enterprise, role=MembershipRole.CONTACT_PERSON, ended_at__isnull=True
    ).first()
    if current is not None and current.user_id == user.pk:
        raise ConflictError(_("%(user)s is already the contact person.") % {"user": user})
    if current is not None:
        _end_membership(current, actor=actor)
        if keep_previous_as_staff:
            _start_membership(
                enterprise=enterprise, user=current.user, role=MembershipRole.STAFF, actor=actor
            )
    return _start_membership(
        enterprise=enterprise,
        user=user,
        role=MembershipRole.CONTACT_PERSON,
        position=position,
        is_senior_executive=True,
        actor=actor,
    )


@transaction.atomic
def add_staff_member(*, enterprise, user, position: str = "", actor=None) -> Membership:
    return _start_membership(
        enterprise=enterprise, user=user, role=MembershipRole.STAFF, position=position, actor=actor
    )


@transaction.atomic
def end_membership(*, membership: Membership, actor=None) -> None:
    if membership.ended_at is not None:
        raise ConflictError(_("This membership has already ended."))
    if membership.role == MembershipRole.CONTACT_PERSON:
        raise DomainError(_("An enterprise always has a contact person: designate the new one instead."))
    _end_membership(membership, actor=actor)


def contact_person(enterprise):
    membership = (
        Membership.objects.select_related("user")
        .filter(enterprise=enterprise, role=MembershipRole.CONTACT_PERSON, ended_at__isnull=True)
        .first()
    )
    return membership.user if membership else None


# --- Registration changes -------------------------------------------------------------------------


@transaction.atomic
def submit_registration_change(
    *, enterprise, submitted_by, new_values: dict, note: str = "", files=()
) -> RegistrationChange:
    """An enterprise member proposes changed registration data, with the documents that show it (checked
    by ``portal.uploads``); nothing changes until customs accepts."""
    if not Membership.objects.filter(
        enterprise=enterprise, user=submitted_by, ended_at__isnull=True
    ).exists():
        raise PermissionDeniedError(
            _("Only members of the enterprise may propose changes to its registration.")
        )
    # Compare with the stored values, not with a possibly stale instance held by the caller.
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    changes = {}
    for field, after in new_values.items():
        if field not in RegistrationChange.CHANGEABLE_FIELDS:
            raise DomainError(_("The field %(field)s cannot be changed this way.") % {"field": field})
        before = getattr(enterprise, field)
        if before != after:
            changes[field] = [before, after]
    if not changes:
        raise DomainError(_("Nothing would change."))
    candidate = Enterprise.objects.get(pk=enterprise.pk)
    for field, (_before, after) in changes.items():
        setattr(candidate, field, after)
    try:
        candidate.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise DomainError(_validation_message(exc)) from None
    checked = uploads.check_uploads(files)
    change = RegistrationChange.objects.create(
        enterprise=enterprise, submitted_by=submitted_by, changes=changes, note=note
    )
    for item in checked:
        RegistrationChangeAttachment.from_checked(item, uploaded_by=submitted_by, change=change)
    return change


@transaction.atomic
def decide_registration_change(
    *, change: RegistrationChange, actor, accept: bool, note: str = ""
) -> RegistrationChange:
    change = RegistrationChange.objects.select_for_update().get(pk=change.pk)
    if change.status != RegistrationChange.Status.PENDING:
        raise ConflictError(_("This registration change has already been decided."))
    if not actor.has_role(Role.CUSTOMS_OFFICER, Role.MANAGER, Role.ADMINISTRATOR):
        raise PermissionDeniedError(_("Only customs officers decide registration changes."))
    if not can_see(actor, change.enterprise):
        raise PermissionDeniedError(_("This enterprise is outside your district."))
    if not accept and not note.strip():
        raise DomainError(_("Give the reason for rejecting the change."))
    if accept:
        enterprise = Enterprise.objects.select_for_update().get(pk=change.enterprise_id)
        stale = [f for f, (before, _after) in change.changes.items() if getattr(enterprise, f) != before]
        if stale:
            raise ConflictError(
                _(
                    "The registration data changed since this submission (%(fields)s); ask for a new submission."
                )
                % {"fields": ", ".join(stale)}
            )
        for field, (_before, after) in change.changes.items():
            setattr(enterprise, field, after)
        enterprise._change_reason = f"registration change #{change.pk}"  # type: ignore[attr-defined]
        enterprise._history_user = actor  # type: ignore[attr-defined]
        enterprise.save()
    change.status = RegistrationChange.Status.ACCEPTED if accept else RegistrationChange.Status.REJECTED
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.decision_note = note
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return change
