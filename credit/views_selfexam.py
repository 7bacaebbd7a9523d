"""Self-examination pages.

Enterprise members: their enterprise's past examinations, a new examination (one row per item, filled
in from the latest one), and a detail page with the gaps highlighted. Customs staff (officers and
managers of the district, the assigned coordinators, never a recused one): the latest self-examination
of every AEO enterprise they may see. Every page scopes through ``Enterprise.objects.visible_to``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from enterprises.permissions import member_enterprises
from portal.exceptions import DomainError
from portal.roles import CUSTOMS_ROLES
from portal.typing import AuthenticatedHttpRequest

from . import selfexam
from .forms_selfexam import SelfExaminationForm
from .models import SelfExamination

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
        form = SelfExaminationForm(request.POST, items=items)
        if form.is_valid():
            try:
                examination = selfexam.submit_self_examination(
                    enterprise=enterprise, submitted_by=request.user, answers=form.answers()
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
        SelfExamination.objects.select_related("enterprise", "submitted_by").filter(
            enterprise__in=Enterprise.objects.visible_to(request.user).values("pk")
        ),
        pk=pk,
    )
    answers = list(examination.answers.select_related("item").order_by("item__position", "item__code"))
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
