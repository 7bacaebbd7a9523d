"""Credit pages.

- The enterprise's credit page (``credit:home``): rating, re-certification due date, credit events,
  abnormal-list entries, annual reports (with the submit form) and credit-repair eligibility (with the
  application form).
- Self-examination: enterprise members see their enterprise's examinations, file a new one (filled in
  from the latest) and a detail page with the gaps highlighted; customs staff (officers and managers of
  the district, the assigned coordinators, never a recused one) see the latest self-examination of every
  AEO enterprise they may see.

Every read is scoped (``visible_to``); writes go through ``credit.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from credit import deadlines as credit_deadlines
from credit.forms import AnnualReportForm, RepairApplicationForm, SelfExaminationForm
from credit.models import (
    AbnormalListEntry,
    AnnualReport,
    CreditEvent,
    RepairApplication,
    RepairApplicationAttachment,
    SelfExamination,
    SelfExaminationEvidence,
)
from credit.services import annual_reports, repair
from credit.services import self_examination as selfexam
from enterprises.models import Enterprise
from enterprises.scoping import member_enterprise, member_enterprises
from portal import uploads
from portal.deadlines import shown
from portal.exceptions import DomainError
from portal.roles import CUSTOMS_ROLES
from portal.typing import AuthenticatedHttpRequest

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
        "deadlines": {
            item.deadline.key.split(":")[0].replace("-", "_"): item
            for item in shown(
                d
                for d in (
                    credit_deadlines.recertification(enterprise),
                    credit_deadlines.annual_report(enterprise),
                )
                if d
            )
        },
        "eligibility": repair.repair_eligibility(enterprise, on=today),
        "applications": RepairApplication.objects.filter(enterprise=enterprise)
        .prefetch_related("attachments")
        .order_by("-applied_at")[:5],
        "repair_form": repair_form or RepairApplicationForm(),
    }
    return render(request, "credit/home.html", context, status=status)


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    enterprise = _enterprise(request)
    if enterprise is None:
        if request.user.is_customs_staff:
            # Customs read an enterprise's credit in its file; the list leads there.
            return redirect("enterprises:mine")
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
    form = RepairApplicationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            repair.apply_for_repair(
                enterprise=enterprise,
                author=request.user,
                statement=form.cleaned_data["statement"],
                files=form.cleaned_data["attachments"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your application for credit repair was sent to customs."))
            return redirect("credit:home")
    return _page(request, enterprise, repair_form=form, status=400)


# --- Self-examination ---------------------------------------------------------------------------

PAGE_SIZE = 50


def _member_enterprise_or_404(request: HttpRequest) -> Enterprise:
    enterprise = member_enterprises(request.user).select_related("rating").first()
    if enterprise is None:
        raise Http404
    return enterprise


@login_required
def examination_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.is_customs_staff and not request.user.is_enterprise_user:
        return redirect("credit:selfexam_overview")
    enterprise = _member_enterprise_or_404(request)
    examinations = selfexam.with_gap_count(
        SelfExamination.objects.filter(enterprise=enterprise).select_related("submitted_by")
    ).order_by("-submitted_at", "-id")[:100]
    return render(
        request,
        "credit/selfexam_list.html",
        {
            "enterprise": enterprise,
            "examinations": examinations,
            "is_aeo": bool(enterprise.rating and enterprise.rating.is_aeo),
        },
    )


@login_required
def examination_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    enterprise = _member_enterprise_or_404(request)
    items = selfexam.active_items()
    latest = selfexam.latest_self_examination(enterprise)
    initial = {}
    if latest is not None:
        initial = {a.item.code: (a.judgement, a.evidence) for a in latest.answers.select_related("item")}
    if request.method == "POST":
        form = SelfExaminationForm(request.POST, request.FILES, items=items)
        if form.is_valid():
            try:
                examination = selfexam.submit_self_examination(
                    enterprise=enterprise,
                    submitted_by=request.user,
                    answers=form.answers(),
                    evidence_files=form.evidence_files(),
                )
            except selfexam.SelfExaminationError as exc:
                form.add_error(None, exc.message)
                form.mark_items(exc.item_codes, _("Required for this judgement."))
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Your self-examination was recorded."))
                return redirect("credit:selfexam_detail", pk=examination.pk)
    else:
        form = SelfExaminationForm(items=items, initial_answers=initial)
    return render(
        request,
        "credit/selfexam_form.html",
        {
            "enterprise": enterprise,
            "form": form,
            "is_aeo": bool(enterprise.rating and enterprise.rating.is_aeo),
        },
    )


@login_required
def examination_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    examination = get_object_or_404(
        SelfExamination.objects.visible_to(request.user).select_related("enterprise", "submitted_by"),
        pk=pk,
    )
    answers = list(
        examination.answers.select_related("item")
        .prefetch_related("evidence_files")
        .order_by("item__position", "item__code")
    )
    gap_list = [a for a in answers if a.is_gap]
    return render(
        request,
        "credit/selfexam_detail.html",
        {"examination": examination, "answers": answers, "gaps": gap_list},
    )


@login_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Customs: each AEO enterprise it serves with its latest self-examination (keyset pages)."""
    if not request.user.has_role(*CUSTOMS_ROLES):
        return render(request, "403.html", status=403)
    enterprises = selfexam.with_latest_self_examination(
        Enterprise.objects.visible_to(request.user)
        .filter(rating__is_aeo=True)
        .select_related("local_customs", "rating")
        .only(
            "pk",
            "name_zh",
            "name_en",
            "uscc",
            "local_customs__name_zh",
            "local_customs__name_en",
            "rating__name_zh",
            "rating__name_en",
        )
    )
    status = request.GET.get("status", "")
    if status == "never":
        enterprises = enterprises.filter(latest_selfexam_id__isnull=True)
    elif status == "gaps":
        enterprises = enterprises.filter(latest_gap_count__gt=0)
    elif status == "clean":
        enterprises = enterprises.filter(latest_selfexam_id__isnull=False, latest_gap_count=0)
    after = request.GET.get("after", "")
    if after.isdigit():
        enterprises = enterprises.filter(pk__gt=int(after))
    rows = list(enterprises.order_by("pk")[: PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return render(
        request,
        "credit/selfexam_overview.html",
        {
            "rows": rows,
            "status": status,
            "next_after": rows[-1].pk if has_next and rows else None,
            "statuses": [
                ("", _("All")),
                ("gaps", _("With gaps")),
                ("clean", _("No gaps")),
                ("never", _("Never self-examined")),
            ],
        },
    )


@login_required
def repair_attachment(request: AuthenticatedHttpRequest, pk: int):
    """A repair application's document, for whoever may see the application (``visible_to``), else 404."""
    return uploads.file_response(
        get_object_or_404(RepairApplicationAttachment.objects.visible_to(request.user), pk=pk)
    )


@login_required
def evidence_file(request: AuthenticatedHttpRequest, pk: int):
    """A self-examination evidence file, for whoever may see the self-examination, else 404."""
    return uploads.file_response(
        get_object_or_404(SelfExaminationEvidence.objects.visible_to(request.user), pk=pk)
    )
