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


def escalate_many(objects, *, level: int, office_of, title_of, url_of) -> list:
    """The set-based ``escalate`` of a batch job: escalate each of ``objects`` (one model) to ``level``
    once — already escalated ones are skipped — and notify, in a fixed number of queries per batch.
    ``office_of(obj)`` is the local customs whose leader hears of it (the Management Department when the
    office has no leader); ``title_of``/``url_of`` word the notification. Returns the objects escalated
    now. Call inside the batch's transaction, with the rows locked."""
    from portal.notifications import Notice, notify_each

    objects = list(objects)
    if not objects:
        return []
    content_type = ContentType.objects.get_for_model(objects[0])
    done = set(
        Escalation.objects.filter(
            content_type=content_type, object_id__in=[o.pk for o in objects], level=level
        ).values_list("object_id", flat=True)
    )
    fresh = [o for o in objects if o.pk not in done]
    if not fresh:
        return []
    Escalation.objects.bulk_create(
        [Escalation(content_type=content_type, object_id=o.pk, level=level) for o in fresh],
        ignore_conflicts=True,
    )
    offices = {o.pk: office_of(o) for o in fresh}
    leaderless = {office.district_id for office in offices.values() if not office.leader_id}
    managers: dict[int, list[User]] = {}
    if leaderless or level != Escalation.Level.LOCAL_LEADER:
        districts = {office.district_id for office in offices.values()}
        for user in User.objects.filter(
            is_active=True,
            groups__name=Role.MANAGER,
            department__district_id__in=sorted(districts),
            department__is_management_department=True,
        ).select_related("department"):
            managers.setdefault(user.department.district_id, []).append(user)  # type: ignore[union-attr]
    notices = []
    for obj in fresh:
        office = offices[obj.pk]
        if level == Escalation.Level.LOCAL_LEADER and office.leader_id:
            recipients = [office.leader]
        else:
            recipients = managers.get(office.district_id, [])
        notices.append(
            Notice(
                recipients=tuple(recipients),
                verb="escalation",
                title=title_of(obj),
                url=url_of(obj),
                enterprise_id=getattr(obj, "enterprise_id", None),
            )
        )
    notify_each(notices)
    return fresh
