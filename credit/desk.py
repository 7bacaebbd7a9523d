"""Credit's queues on the officer's desk (``portal.registry.desk_queues``): annual-report candidates
for the abnormal list, enterprises nearing the abnormal list's limit, credit-repair applications. Each
is scoped (``visible_to``) and ordered along an index of the district's rows."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credit.models import AbnormalListEntry, AnnualReportCandidate, CreditRegime, RepairApplication
from portal.admin.toolkit import changelist_url
from portal.conf import tunable
from portal.registry import DeskQueue


def _change(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def candidates(user):
    return (
        AnnualReportCandidate.objects.visible_to(user)
        .filter(status=AnnualReportCandidate.Status.PENDING)
        .select_related("enterprise")
        .order_by("year", "found_on", "id")
    )


def _limit_days(today: datetime.date) -> int:
    try:
        return CreditRegime.in_force_on(today).abnormal_list_days
    except CreditRegime.DoesNotExist:
        return 90


def nearing_limit(user):
    """Open abnormal-list entries within ``ABNORMAL_LIST_WARNING_DAYS`` of the regime's limit (or past
    it): an officer checks whether the cause was cured before the enterprise becomes untrustworthy."""
    today = timezone.localdate()
    since = today - datetime.timedelta(days=_limit_days(today) - int(tunable("ABNORMAL_LIST_WARNING_DAYS")))
    return (
        AbnormalListEntry.objects.visible_to(user)
        .filter(removed_on__isnull=True, listed_on__lte=since)
        .select_related("enterprise")
        .order_by("listed_on", "id")
    )


def past_limit(user):
    today = timezone.localdate()
    return nearing_limit(user).filter(listed_on__lt=today - datetime.timedelta(days=_limit_days(today)))


def repair_applications(user):
    return (
        RepairApplication.objects.visible_to(user)
        .filter(status=RepairApplication.Status.PENDING)
        .select_related("enterprise")
        .order_by("applied_at", "id")
    )


QUEUES = [
    DeskQueue(
        name="annual-report-candidates",
        title=_("Annual-report candidates for the abnormal list"),
        rows=candidates,
        link=lambda request: changelist_url(request, AnnualReportCandidate, status__exact="pending"),
        item=lambda c: (f"{c.enterprise} · {c.year}", c.found_on, _change(c)),
        order=40,
    ),
    DeskQueue(
        name="abnormal-list-limit",
        title=_("On the abnormal list, nearing untrustworthy"),
        rows=nearing_limit,
        overdue=past_limit,
        link=lambda request: changelist_url(request, AbnormalListEntry, order="listed_on", open="yes"),
        item=lambda e: (str(e.enterprise), e.listed_on, _change(e)),
        order=50,
    ),
    DeskQueue(
        name="repair-applications",
        title=_("Credit-repair applications"),
        rows=repair_applications,
        link=lambda request: changelist_url(request, RepairApplication, status__exact="pending"),
        item=lambda a: (str(a.enterprise), timezone.localdate(a.applied_at), _change(a)),
        order=60,
    ),
]
