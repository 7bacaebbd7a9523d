"""Pages of the liaison feature (thin: ``liaison.services`` and ``liaison.selectors`` do the work)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coordination.models import CoordinationRequest
from liaison import selectors, services
from liaison.forms import AnswerForm, NoticeForm, ReferralForm
from liaison.models import DepartmentNotice, Referral
from portal.exceptions import DomainError
from portal.models import Department, LocalCustoms
from portal.typing import AuthenticatedHttpRequest


def _back(request_id: int) -> str:
    return reverse("coordination:request_detail", args=[request_id]) + "#referrals"


def _errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
def desk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The liaison officer's desk (403 for anyone who is not one)."""
    if not services.liaison_departments(request.user):
        return render(request, "403.html", status=403)
    return render(request, "liaison/desk.html", selectors.desk(request.user))


@login_required
@require_POST
def refer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(CoordinationRequest.objects.visible_to(request.user), pk=pk)
    form = ReferralForm(request.POST, departments=services.referable_departments(obj))
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(_back(obj.pk))
    try:
        services.refer(
            request=obj,
            department=form.cleaned_data["department"],
            question=form.cleaned_data["question"],
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The question was sent to %(department)s; you remain responsible for the request.")
            % {"department": form.cleaned_data["department"].name},
        )
    return redirect(_back(obj.pk))


@login_required
@require_POST
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.visible_to(request.user), pk=pk)
    form = AnswerForm(request.POST, request.FILES, prefix=f"answer-{referral.pk}")
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(_back(referral.request_id))
    try:
        services.answer_referral(
            referral=referral,
            body=form.cleaned_data["body"],
            files=form.cleaned_data["attachments"],
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your answer is on the request."))
    return redirect(_back(referral.request_id))


@login_required
@require_POST
def share(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.visible_to(request.user), pk=pk)
    try:
        services.share_answer(referral=referral, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The department's answer was sent to the enterprise as your reply."))
    return redirect(_back(referral.request_id))


@login_required
@require_POST
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral.objects.visible_to(request.user), pk=pk)
    try:
        services.withdraw_referral(referral=referral, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The question was withdrawn."))
    return redirect(_back(referral.request_id))


@login_required
def notice_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    departments_ids = services.liaison_departments(request.user)
    if not departments_ids:
        return render(request, "403.html", status=403)
    departments = Department.objects.filter(pk__in=departments_ids).order_by("name_zh")
    district_ids = set(departments.values_list("district_id", flat=True))
    offices = LocalCustoms.objects.filter(district_id__in=district_ids).order_by("code")
    form = NoticeForm(
        request.POST if request.method == "POST" else None, departments=departments, offices=offices
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enterprises = services.enterprises_by_codes(
                data["department"].district_id, data["enterprise_codes"]
            )
            notice = services.publish_notice(
                department=data["department"],
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                enterprises=enterprises,
                offices=list(data["offices"]),
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The notice reached %(n)s coordinators.") % {"n": notice.recipient_count},
            )
            return redirect("liaison:notice_detail", pk=notice.pk)
    return render(request, "liaison/notice_form.html", {"form": form})


@login_required
def notices(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A coordinator's department notices."""
    return render(request, "liaison/notices.html", {"receipts": selectors.notices_for(request.user)})


@login_required
def notice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notice = (
        DepartmentNotice.objects.visible_to(request.user)
        .select_related("department", "author")
        .filter(pk=pk)
        .first()
    )
    if notice is None:
        raise Http404
    services.mark_notice_read(notice, request.user)
    return render(
        request,
        "liaison/notice_detail.html",
        {"notice": notice, "enterprises": list(notice.enterprises.all()[:200])},
    )
