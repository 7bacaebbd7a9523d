"""Portal pages of appeals for enterprises: list, file, detail, attachment download.

Every page reads through ``Appeal.objects.visible_to`` (a guessed id of another enterprise's appeal is a
404), and filing goes through ``appeals.services.file_appeal``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from appeals import services
from appeals.forms import AppealForm, FromRequestForm
from appeals.models import Appeal, AppealAttachment, AppealEvent
from coordination.models import CoordinationRequest
from enterprises.scoping import member_enterprise
from portal import uploads
from portal.exceptions import DomainError
from portal.typing import AuthenticatedHttpRequest

PAGE_SIZE = 25


def _enterprise_or_403(request):
    enterprise = member_enterprise(request.user) if request.user.is_enterprise_user else None
    if enterprise is None:
        return None, render(request, "403.html", status=403)
    return enterprise, None


@login_required
def appeal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    enterprise, denied = _enterprise_or_403(request)
    if denied:
        return denied
    appeals = Appeal.objects.visible_to(request.user).filter(enterprise=enterprise).order_by("-id")
    before = request.GET.get("before", "")
    if before.isdigit():
        appeals = appeals.filter(pk__lt=int(before))
    page = list(appeals.select_related("coordinator__user")[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    return render(
        request,
        "appeals/list.html",
        {"appeals": page, "enterprise": enterprise, "next_before": page[-1].pk if more and page else None},
    )


@login_required
def appeal_file(request: AuthenticatedHttpRequest) -> HttpResponse:
    enterprise, denied = _enterprise_or_403(request)
    if denied:
        return denied
    form = AppealForm(request.POST or None, request.FILES or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appeal = services.file_appeal(
                enterprise=enterprise,
                author=request.user,
                appeal_type=data["appeal_type"],
                subject=data["subject"],
                grounds=data["grounds"],
                decision_reference=data["decision_reference"],
                credit_event=data["credit_event"],
                abnormal_entry=data["abnormal_entry"],
                coordinator=data["coordinator"],
                attachments=data["attachments"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Your appeal #%(pk)s was filed. Deadline for the decision: %(date)s.")
                % {
                    "pk": appeal.pk,
                    "date": f"{appeal.due_at:%Y-%m-%d}",
                },
            )
            return redirect("appeals:detail", pk=appeal.pk)
    return render(request, "appeals/file.html", {"form": form, "enterprise": enterprise})


@login_required
def appeal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appeal = get_object_or_404(
        Appeal.objects.visible_to(request.user).select_related(
            "enterprise",
            "coordinator__user",
            "filed_by",
            "credit_event__to_rating",
            "correcting_event__to_rating",
        ),
        pk=pk,
    )
    # Enterprises see what happened to their appeal, not who inside customs handled each step.
    events = (
        AppealEvent.objects.filter(appeal=appeal)
        .exclude(kind=AppealEvent.Kind.ESCALATED)
        .order_by("at", "id")
    )
    return render(
        request,
        "appeals/detail.html",
        {"appeal": appeal, "events": events, "attachments": appeal.attachments.all()},
    )


@login_required
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(AppealAttachment.objects.visible_to(request.user), pk=pk)
    return uploads.file_response(attachment)


@login_required
def from_request(request: AuthenticatedHttpRequest, request_pk: int) -> HttpResponse:
    """Customs staff turn an "appeals" coordination request into an appeal (a confirmation form)."""

    if not request.user.is_customs_staff:
        return render(request, "403.html", status=403)
    coordination_request = get_object_or_404(
        CoordinationRequest.objects.visible_to(request.user), pk=request_pk
    )
    form = FromRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = services.appeal_from_request(
                request=coordination_request,
                actor=request.user,
                appeal_type=form.cleaned_data["appeal_type"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Request converted to appeal #%(pk)s.") % {"pk": appeal.pk})
            return redirect("portal:home")
    return render(
        request, "appeals/from_request.html", {"form": form, "coordination_request": coordination_request}
    )
