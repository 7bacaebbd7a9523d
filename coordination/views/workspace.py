"""The coordinator's side: the workspace queue (start page), site visits, publishing an answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coordination import access, knowledge, selectors, services
from coordination.forms import PublishForm, SiteVisitForm, VisitRecordForm, WorkspaceFilterForm
from coordination.models import SiteVisit
from coordination.views.requests import _detail, _forbidden, _get_visible
from portal.exceptions import DomainError
from portal.roles import Role
from portal.typing import AuthenticatedHttpRequest

WORKSPACE_ROLES = (Role.COORDINATOR, Role.CUSTOMS_OFFICER, Role.MANAGER, Role.ADMINISTRATOR)


@login_required
def workspace(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open requests of the enterprises assigned to me (never one I am recused from) and requests
    transferred to my office, sortable by due time; overdue ones flagged."""
    if not request.user.has_role(*WORKSPACE_ROLES):
        return _forbidden(request)
    form = WorkspaceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.workspace_queue(
        request.user,
        sort=filters.get("sort") or "due",
        status=filters.get("status") or "",
        overdue_only=bool(filters.get("overdue")),
        mine_only=bool(filters.get("mine")),
        cursor=request.GET.get("cursor"),
    )
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = (
        "coordination/_workspace_rows.html"
        if getattr(request, "htmx", False)
        else "coordination/workspace.html"
    )
    return render(request, template, context)


@login_required
def schedule_visit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = _get_visible(request, pk)
    if not access.can_handle(request.user, obj):
        return _forbidden(request)
    form = SiteVisitForm(request.POST or None, enterprise=obj.enterprise)
    if not form.is_bound:
        pair = [h.coordinator for h in selectors.request_file(request.user, obj).handlers][:2]
        if len(pair) == 2:
            form.initial.update({"coordinator_a": pair[0].pk, "coordinator_b": pair[1].pk})
        form.initial["place"] = obj.enterprise.registered_address
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.schedule_site_visit(
                request=obj,
                actor=request.user,
                coordinators=[data["coordinator_a"], data["coordinator_b"]],
                scheduled_for=data["scheduled_for"],
                place=data["place"],
                purpose=data["purpose"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The site visit was scheduled."))
            return redirect(_detail(obj))
    return render(request, "coordination/visit_form.html", {"obj": obj, "form": form})


@login_required
@require_POST
def record_visit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = SiteVisit.objects.filter(pk=pk).select_related("request").first()
    if visit is None or visit.request is None:
        raise Http404
    obj = _get_visible(request, visit.request.pk)
    form = VisitRecordForm(request.POST)
    if form.is_valid():
        try:
            services.record_site_visit(visit=visit, actor=request.user, record=form.cleaned_data["record"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The visit record was saved."))
    else:
        messages.error(request, _("Write what was done on the visit."))
    return redirect(_detail(obj))


@login_required
def publish_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Publish a resolved request for all enterprises: pre-filled with the identity removed, editable;
    a warning (and a confirmation box) while the enterprise's name, USCC or customs code still appears."""
    obj = _get_visible(request, pk)
    if not access.can_handle(request.user, obj):
        return _forbidden(request)
    form = PublishForm(request.POST or None, initial=knowledge.prefill(obj))
    leaks: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answer = services.publish_answer(
                request=obj,
                actor=request.user,
                title=data["title"],
                question=data["question"],
                answer=data["answer"],
                publish_despite_identity=data["publish_despite_identity"],
            )
        except services.IdentityStillPresent as exc:
            leaks = exc.leaks
            form.add_error(None, exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The answer was published."))
            return redirect(reverse("coordination:answer_detail", args=[answer.pk]))
    elif not form.is_bound:
        initial = knowledge.prefill(obj)
        leaks = knowledge.identity_leaks(
            obj.enterprise, initial["title"], initial["question"], initial["answer"]
        )
    return render(request, "coordination/publish_form.html", {"obj": obj, "form": form, "leaks": leaks})
