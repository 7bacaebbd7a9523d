"""Every write of the liaison feature (docs/DOMAIN.md, "Liaison officers"): naming liaison officers,
referring a request's question to a department, answering it inside the request, withdrawing it,
publishing department notices, and the daily reminder of referrals due. Views, the admin, the API and the
job call these functions."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination import access
from coordination import services as requests
from coordination.models import CoordinationRequest
from coordinators.models import Coordinator, PairAssignment
from enterprises.models import Enterprise
from liaison.models import DepartmentNotice, LiaisonOfficer, NoticeReceipt, Referral
from portal import workdays
from portal.conf import tunable
from portal.deadlines import notice_once
from portal.exceptions import ConflictError, DomainError, PermissionDeniedError
from portal.jobs import JobResult, run_in_batches, today_or
from portal.messages import name_of, text
from portal.models import Department, LocalCustoms, User
from portal.notifications import notify
from portal.roles import Role

#: At most this many enterprises named in one notice (a longer list is a measure for offices).
NOTICE_MAX_ENTERPRISES = 200


class LiaisonError(DomainError):
    pass


# --- Liaison officers -------------------------------------------------------------------------------------


def liaison_departments(user) -> list[int]:
    """The departments ``user`` is an active liaison officer of."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        LiaisonOfficer.objects.filter(user_id=user.pk, ended_at__isnull=True).values_list(
            "department_id", flat=True
        )
    )


def is_liaison_of(user, department_id: int) -> bool:
    return department_id in liaison_departments(user)


def _require_management(actor, district_id: int) -> None:
    if actor.has_role(Role.ADMINISTRATOR):
        return
    if not actor.has_role(Role.MANAGER) or actor.district_id_for_scope != district_id:
        raise PermissionDeniedError(_("Only the district's Management Department names liaison officers."))


def check_liaison(*, department: Department, user: User, actor) -> None:
    """The rules of naming a liaison officer, without writing (the admin form shows them as errors)."""
    _require_management(actor, department.district_id)
    if department.is_management_department:
        raise LiaisonError(
            _(
                "The Management Department supervises the coordinators; liaison officers serve business departments."
            )
        )
    if user.department_id != department.pk or not user.has_role(Role.CUSTOMS_OFFICER) or not user.is_active:
        raise LiaisonError(
            _("%(user)s is not an active customs officer of %(department)s.")
            % {"user": user, "department": department}
        )
    if LiaisonOfficer.objects.filter(department=department, user=user, ended_at__isnull=True).exists():
        raise ConflictError(
            _("%(user)s is already a liaison officer of %(department)s.")
            % {"user": user, "department": department}
        )


@transaction.atomic
def name_liaison_officer(*, department: Department, user: User, actor) -> LiaisonOfficer:
    """Name a customs officer of ``department`` its liaison officer."""
    check_liaison(department=department, user=user, actor=actor)
    return LiaisonOfficer.objects.create(
        department=department, user=user, district_id=department.district_id, named_by=actor
    )


@transaction.atomic
def end_liaison_officer(*, appointment: LiaisonOfficer, actor) -> LiaisonOfficer:
    _require_management(actor, appointment.district_id)
    if appointment.ended_at is not None:
        raise ConflictError(_("This appointment has already ended."))
    appointment.ended_at = timezone.now()
    appointment.save(update_fields=["ended_at"])
    return appointment


def liaison_officers_of(department_id: int):
    return User.objects.filter(
        liaison_appointments__department_id=department_id,
        liaison_appointments__ended_at__isnull=True,
        is_active=True,
    )


def referable_departments(request: CoordinationRequest):
    """Departments of the request's district that have at least one liaison officer."""
    return (
        Department.objects.filter(district_id=request.district_id, is_management_department=False)
        .filter(liaison_officers__ended_at__isnull=True)
        .distinct()
        .order_by("name_zh")
    )


# --- Referrals ------------------------------------------------------------------------------------------


def _request_url(request_id: int) -> str:
    return reverse("coordination:request_detail", args=[request_id]) + "#referrals"


@transaction.atomic
def refer(
    *, request: CoordinationRequest, department: Department, question: str, actor, now=None
) -> Referral:
    """A coordinator handling the request refers a question to a department. The coordinator stays
    responsible (a referral is not a transfer); the department's liaison officers are told."""
    now = now or timezone.now()
    request = CoordinationRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    access.check_can(actor, request, access.CUSTOMS)
    if not request.is_open:
        raise ConflictError(_("Only an open request can be referred to a department."))
    if department.district_id != request.district_id or department.is_management_department:
        raise LiaisonError(_("Refer to a business department of the request's district."))
    question = (question or "").strip()
    if not question:
        raise LiaisonError(_("Write the question for the department."))
    liaisons = list(liaison_officers_of(department.pk))
    if not liaisons:
        raise LiaisonError(
            _("%(department)s has no liaison officer yet; ask the Management Department to name one.")
            % {"department": department}
        )
    if Referral.objects.filter(request=request, department=department, status=Referral.Status.OPEN).exists():
        raise ConflictError(
            _("A question to %(department)s about this request is still open.") % {"department": department}
        )
    referral = Referral.objects.create(
        request=request,
        enterprise_id=request.enterprise_id,
        district_id=request.district_id,
        department=department,
        question=question,
        referred_by=actor,
        referred_at=now,
        due_at=workdays.deadline(now, int(tunable("REFERRAL_RESPONSE_WORKING_DAYS"))),
    )
    notify(
        liaisons,
        verb="referral",
        title=text(
            "A coordinator refers request #%(number)s “%(subject)s” to %(department)s",
            number=request.pk,
            subject=request.subject[:60],
            department=name_of(department),
        ),
        body=question[:500],
        url=_request_url(request.pk),
    )
    return referral


@transaction.atomic
def answer_referral(*, referral: Referral, body: str, actor, files=(), now=None) -> Referral:
    """A liaison officer of the department answers inside the request (an internal note). The referring
    coordinator is told and decides whether to pass the answer on to the enterprise (``share_answer``)."""
    now = now or timezone.now()
    referral = Referral.objects.select_for_update(of=("self",)).select_related("request").get(pk=referral.pk)
    if not is_liaison_of(actor, referral.department_id):
        raise PermissionDeniedError(
            _("Only a liaison officer of %(department)s answers this question.")
            % {"department": referral.department}
        )
    if not referral.is_open:
        raise ConflictError(_("This question has already been answered or withdrawn."))
    message = requests.post_department_answer(
        request=referral.request,
        author=actor,
        body=body,
        files=files,
        now=now,
    )
    referral.status = Referral.Status.ANSWERED
    referral.answered_by, referral.answered_at, referral.answer = actor, now, message
    referral.save(update_fields=["status", "answered_by", "answered_at", "answer"])
    notify(
        [referral.referred_by],
        verb="referral_answered",
        title=text(
            "%(department)s answered your question on request #%(number)s",
            department=name_of(referral.department),
            number=referral.request_id,
        ),
        body=message.body[:500],
        url=_request_url(referral.request_id),
    )
    return referral


@transaction.atomic
def share_answer(*, referral: Referral, actor, now=None) -> Referral:
    """The coordinators handling the request pass the department's answer on to the enterprise: it is
    posted as their reply (customs' response: it stops the first-response clock like any reply). Once."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("request", "answer", "department")
        .get(pk=referral.pk)
    )
    access.check_can(actor, referral.request, access.CUSTOMS)
    if referral.answer is None:
        raise ConflictError(_("The department has not answered yet."))
    if referral.reply_id:
        raise ConflictError(_("This answer was already sent to the enterprise."))
    referral.reply = requests.post_message(
        request=referral.request, author=actor, body=referral.answer.body, internal=False, now=now
    )
    referral.save(update_fields=["reply"])
    return referral


@transaction.atomic
def withdraw_referral(*, referral: Referral, actor) -> Referral:
    """The coordinators handling the request withdraw an open question (e.g. solved meanwhile)."""
    referral = Referral.objects.select_for_update(of=("self",)).select_related("request").get(pk=referral.pk)
    access.check_can(actor, referral.request, access.CUSTOMS)
    if not referral.is_open:
        raise ConflictError(_("This question has already been answered or withdrawn."))
    referral.status = Referral.Status.WITHDRAWN
    referral.save(update_fields=["status"])
    return referral


# --- Department notices ---------------------------------------------------------------------------------


def _parse_codes(raw: str) -> list[str]:
    return [
        code
        for code in (c.strip().upper() for c in raw.replace("，", ",").replace("\n", ",").split(","))
        if code
    ]


def enterprises_by_codes(district_id: int, raw: str) -> list[Enterprise]:
    """The enterprises of the district named by USCC or customs code (comma or line separated); unknown
    codes are refused by name, so a notice never silently misses an enterprise."""
    codes = _parse_codes(raw)
    if len(codes) > NOTICE_MAX_ENTERPRISES:
        raise LiaisonError(
            _("Name at most %(n)s enterprises; for more, address the notice to offices.")
            % {"n": NOTICE_MAX_ENTERPRISES}
        )
    found = list(
        Enterprise.objects.filter(district_id=district_id).filter(
            Q(uscc__in=codes) | Q(customs_code__in=codes)
        )
    )
    known = {e.uscc for e in found} | {e.customs_code for e in found}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise LiaisonError(
            _("No enterprise of this district has the code(s): %(codes)s.")
            % {"codes": ", ".join(unknown[:10])}
        )
    return found


def notice_recipients(*, district_id: int, enterprises: list[Enterprise], offices: list[LocalCustoms]):
    """The coordinators a notice reaches (users): the current pairs of the named enterprises, or every
    active coordinator of the chosen offices (of the district when none is chosen). One query."""
    if enterprises:
        ids = [e.pk for e in enterprises]
        pairs = PairAssignment.objects.filter(enterprise_id__in=ids, ended_on__isnull=True)
        return User.objects.filter(
            Q(coordinator__in=pairs.values("coordinator_a"))
            | Q(coordinator__in=pairs.values("coordinator_b")),
            is_active=True,
        )
    coordinators = Coordinator.objects.filter(
        status=Coordinator.Status.ACTIVE, local_customs__district_id=district_id
    )
    if offices:
        coordinators = coordinators.filter(local_customs__in=offices)
    return User.objects.filter(coordinator__in=coordinators, is_active=True)


@transaction.atomic
def publish_notice(
    *,
    department: Department,
    kind: str,
    title: str,
    body: str,
    actor,
    enterprises: list[Enterprise] = (),  # type: ignore[assignment]
    offices: list[LocalCustoms] = (),  # type: ignore[assignment]
) -> DepartmentNotice:
    """A liaison officer publishes a notice of their department to the coordinators concerned."""
    if not is_liaison_of(actor, department.pk):
        raise PermissionDeniedError(
            _("Only a liaison officer of %(department)s publishes its notices.") % {"department": department}
        )
    if kind not in DepartmentNotice.Kind.values:
        raise LiaisonError(_("Choose the kind of notice."))
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise LiaisonError(_("Write the notice's title and text."))
    enterprises, offices = list(enterprises), list(offices)
    if kind == DepartmentNotice.Kind.SUPERVISION and not enterprises:
        raise LiaisonError(_("Name the enterprise the supervision information is about."))
    if any(e.district_id != department.district_id for e in enterprises) or any(
        o.district_id != department.district_id for o in offices
    ):
        raise LiaisonError(_("A notice reaches the coordinators of its department's district only."))
    recipients = list(
        notice_recipients(district_id=department.district_id, enterprises=enterprises, offices=offices)
    )
    if not recipients:
        raise LiaisonError(
            _("No coordinator serves the enterprises or offices chosen: nobody would read it.")
        )
    notice = DepartmentNotice.objects.create(
        department=department,
        district_id=department.district_id,
        kind=kind,
        title=title,
        body=body,
        author=actor,
        recipient_count=len(recipients),
    )
    notice.enterprises.set(enterprises)
    notice.offices.set(offices)
    NoticeReceipt.objects.bulk_create([NoticeReceipt(notice=notice, recipient=user) for user in recipients])
    notify(
        recipients,
        verb="department_notice",
        title=text("%(department)s: %(title)s", department=name_of(department), title=title[:100]),
        body=body[:500],
        url=reverse("liaison:notice_detail", args=[notice.pk]),
    )
    return notice


def mark_notice_read(notice: DepartmentNotice, user) -> None:
    NoticeReceipt.objects.filter(notice=notice, recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- The daily reminder ---------------------------------------------------------------------------------


def _remind(referral: Referral, *, today: datetime.date) -> bool:
    due_day = timezone.localtime(referral.due_at).date()
    step = "due" if due_day == today else "overdue"
    if not notice_once(f"referral:{referral.pk}", step):
        return False
    title = (
        text("The answer to the question on request #%(number)s is due today", number=referral.request_id)
        if step == "due"
        else text("The answer to the question on request #%(number)s is overdue", number=referral.request_id)
    )
    notify(
        [
            *liaison_officers_of(referral.department_id),
            *([referral.referred_by] if step == "overdue" else []),
        ],
        verb="referral_due",
        title=title,
        body=referral.question[:300],
        url=_request_url(referral.request_id),
    )
    return True


def remind_referrals(*, today=None, batch_size=None, kill_point=None) -> JobResult:
    """Daily: the liaison officers are reminded of a question due today; when it is overdue they and the
    referring coordinator are told (once per step)."""
    today = today_or(today)
    end_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time.max))
    return run_in_batches(
        Referral.objects.open().filter(due_at__lte=end_of_today).select_related("department", "referred_by"),
        lambda referral: _remind(referral, today=today),
        result=JobResult("referrals"),
        batch_size=batch_size,
        kill_point=kill_point,
    )
