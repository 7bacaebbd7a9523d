"""Reads of the liaison feature: the liaison officer's desk, the referrals section of a request's page,
a coordinator's notices, and the referral response times of the Management Department's dashboard."""

from __future__ import annotations

import datetime

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone, translation

from coordination import access
from liaison import services
from liaison.forms import AnswerForm, ReferralForm
from liaison.models import DepartmentNotice, NoticeReceipt, Referral
from portal.models import Department

DESK_PAGE = 50


def desk(user) -> dict:
    """The liaison officer's desk: the open questions to their departments, the soonest due first
    (bounded), and the latest answered ones."""
    departments = services.liaison_departments(user)
    referrals = Referral.objects.visible_to(user).filter(department_id__in=departments)
    return {
        "departments": list(Department.objects.filter(pk__in=departments)),
        "open": list(
            referrals.open()
            .select_related("request", "department", "referred_by")
            .order_by("due_at", "pk")[:DESK_PAGE]
        ),
        "answered": list(
            referrals.filter(status=Referral.Status.ANSWERED)
            .select_related("request", "department", "answered_by")
            .order_by("-answered_at", "-pk")[:20]
        ),
        "notices": list(
            DepartmentNotice.objects.filter(department_id__in=departments)
            .select_related("department", "author")
            .order_by("-published_at", "-pk")[:20]
        ),
        "now": timezone.now(),
    }


def request_section(request, obj) -> dict | None:
    """The referrals section of a request's page: shown to customs staff only; the refer form for those
    handling the request, the answer form for the liaison officers of a department asked."""
    user = request.user
    if not user.is_customs_staff:
        return None
    referrals = list(
        Referral.objects.visible_to(user)
        .filter(request=obj)
        .select_related("department", "referred_by", "answered_by", "answer")
        .order_by("referred_at", "pk")
    )
    handles = access.can_handle(user, obj)
    mine = set(services.liaison_departments(user))
    answerable = [r for r in referrals if r.is_open and r.department_id in mine]
    if not referrals and not handles:
        return None
    departments = services.referable_departments(obj) if handles and obj.is_open else None
    return {
        "obj": obj,
        "referrals": referrals,
        "refer_form": ReferralForm(departments=departments) if departments is not None else None,
        "answerable": {r.pk: AnswerForm(prefix=f"answer-{r.pk}") for r in answerable},
        "can_withdraw": handles,
        "now": timezone.now(),
    }


def notices_for(user, limit: int = 50) -> list[NoticeReceipt]:
    """A coordinator's department notices, the newest first (bounded)."""
    return list(
        NoticeReceipt.objects.filter(recipient=user)
        .select_related("notice__department")
        .order_by("-notice_id")[:limit]
    )


def referral_times(*, district_ids: list[int] | None, since: datetime.datetime) -> list[dict]:
    """Per department: questions referred since ``since``, answered, average hours to answer, and open
    questions overdue now. One aggregate query (the (district, -referred_at) index)."""
    now = timezone.now()
    referrals = Referral.objects.filter(referred_at__gte=since)
    if district_ids is not None:
        referrals = referrals.filter(district_id__in=district_ids)
    rows = (
        referrals.values("department_id", "department__name_zh", "department__name_en")
        .annotate(
            referred=Count("pk"),
            answered=Count("pk", filter=Q(status=Referral.Status.ANSWERED)),
            late=Count("pk", filter=Q(status=Referral.Status.ANSWERED, answered_at__gt=F("due_at"))),
            overdue=Count("pk", filter=Q(status=Referral.Status.OPEN, due_at__lt=now)),
            average=Avg(
                ExpressionWrapper(F("answered_at") - F("referred_at"), output_field=DurationField()),
                filter=Q(status=Referral.Status.ANSWERED),
            ),
        )
        .order_by("-overdue", "department__name_zh")
    )
    english = (translation.get_language() or "").startswith("en")
    return [
        {
            **row,
            "department": (row["department__name_en"] if english else "") or row["department__name_zh"],
            "average_hours": round(row["average"].total_seconds() / 3600, 1) if row["average"] else None,
        }
        for row in rows
    ]
