"""Escalation of overdue work (DOMAIN notes: first to the local customs' leader, then, if still overdue
``management_after_working_days()`` working days later (a tunable), to the district's Management Department).

``escalate`` is idempotent per item and level, so the daily job can run twice or in two workers at once.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from portal.conf import tunable
from portal.models import Escalation, User
from portal.notifications import notify
from portal.roles import Role


def management_after_working_days() -> int:
    return int(tunable("ESCALATION_MANAGEMENT_AFTER_WORKING_DAYS"))


def management_department_staff(district_id: int):
    """Managers of the district's Management Department (the supervisors of coordinators)."""
    return User.objects.filter(
        is_active=True,
        groups__name=Role.MANAGER,
        department__district_id=district_id,
        department__is_management_department=True,
    ).distinct()


def escalate(obj, *, level: int, local_customs, title, body="", url: str = "") -> Escalation | None:
    """Record and notify one escalation of ``obj``; None if it was already escalated to that level."""
    content_type = ContentType.objects.get_for_model(obj)
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(content_type=content_type, object_id=obj.pk, level=level)
            if level == Escalation.Level.LOCAL_LEADER:
                recipients = (
                    [local_customs.leader]
                    if local_customs.leader_id
                    else list(management_department_staff(local_customs.district_id))
                )
            else:
                recipients = list(management_department_staff(local_customs.district_id))
            notify(
                recipients,
                verb="escalation",
                title=title,
                body=body,
                url=url,
                enterprise_id=getattr(obj, "enterprise_id", None),
            )
    except IntegrityError:
        return None
    return escalation


def escalation_levels(obj) -> set[int]:
    content_type = ContentType.objects.get_for_model(obj)
    return set(
        Escalation.objects.filter(content_type=content_type, object_id=obj.pk).values_list("level", flat=True)
    )
