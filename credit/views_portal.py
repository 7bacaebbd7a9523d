"""The enterprise's credit page (credit:home): rating, re-certification due date, credit events,
abnormal-list entries, annual reports (with the submit form) and credit-repair eligibility (with the
application form). Writes go through credit.annual_reports and credit.repair."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.permissions import member_enterprise
from portal.exceptions import DomainError

from . import annual_reports, repair
from .forms_portal import AnnualReportForm, RepairApplicationForm
from .models import AbnormalListEntry, AnnualReport, CreditEvent, RepairApplication

HISTORY_LIMIT = 50


def _enterprise(request):
    return member_enterprise(request.user) if request.user.is_enterprise_user else None


def _page(request, enterprise, *, report_form=None, repair_form=None, status=200) -> HttpResponse:
    today = timezone.localdate()
    year = annual_reports.report_year_due(today)
    context = {
        "enterprise": enterprise,
        "rating": enterprise.rating,
        "events": CreditEvent.objects.filter(enterprise=enterprise)
        .select_related("from_rating", "to_rating", "regime")
        .order_by("-effective_date", "-id")[:HISTORY_LIMIT],
        "abnormal_entries": AbnormalListEntry.objects.filter(enterprise=enterprise).order_by("-listed_on")[
            :HISTORY_LIMIT
        ],
        "open_entry": AbnormalListEntry.objects.filter(
            enterprise=enterprise, removed_on__isnull=True
        ).first(),
        "reports": AnnualReport.objects.filter(enterprise=enterprise).order_by("-year")[:10],
        "report_year": year,
        "report_deadline": annual_reports.deadline(year),
        "report_due": not AnnualReport.objects.filter(enterprise=enterprise, year=year).exists(),
        "report_form": report_form or AnnualReportForm(),
        "eligibility": repair.repair_eligibility(enterprise, on=today),
        "applications": RepairApplication.objects.filter(enterprise=enterprise).order_by("-applied_at")[:5],
        "repair_form": repair_form or RepairApplicationForm(),
    }
    return render(request, "credit/home.html", context, status=status)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise(request)
    if enterprise is None:
        return render(request, "403.html", status=403)
    return _page(request, enterprise)


@login_required
@require_POST
def submit_report(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise(request)
    if enterprise is None:
        return render(request, "403.html", status=403)
    form = AnnualReportForm(request.POST)
    if form.is_valid():
        try:
            report = annual_reports.submit_annual_report(
                enterprise=enterprise, author=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Annual credit report for %(year)s submitted.") % {"year": report.year}
            )
            return redirect("credit:home")
    return _page(request, enterprise, report_form=form, status=400)


@login_required
@require_POST
def apply_repair(request: HttpRequest) -> HttpResponse:
    enterprise = _enterprise(request)
    if enterprise is None:
        return render(request, "403.html", status=403)
    form = RepairApplicationForm(request.POST)
    if form.is_valid():
        try:
            repair.apply_for_repair(
                enterprise=enterprise, author=request.user, statement=form.cleaned_data["statement"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your application for credit repair was sent to customs."))
            return redirect("credit:home")
    return _page(request, enterprise, repair_form=form, status=400)
