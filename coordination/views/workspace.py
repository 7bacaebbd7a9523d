"""The coordinator's side: the workspace queue (start page), site visits, publishing an answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from coordination import access, knowledge, selectors, services
from coordination.forms import (
    BulkActionForm,
    PublishForm,
    SaveFilterForm,
    SiteVisitForm,
    VisitActionFormSet,
    VisitRecordForm,
    VisitSignForm,
    WorkspaceFilterForm,
)
from coordination.models import SavedFilter, SiteVisit, SiteVisitRecord, VisitAttachment, VisitSignature
from coordination.views.requests import _detail, _forbidden, _get_visible
from portal import uploads
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
        assignee=filters.get("assignee") or "",
        incoming=bool(filters.get("incoming")),
        query=filters.get("q") or "",
        cursor=request.GET.get("cursor"),
    )
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "searching": bool(filters.get("q")),
        "saved_filters": list(SavedFilter.objects.filter(user=request.user)),
        "save_form": SaveFilterForm(initial={"query": query.urlencode()}),
        "bulk_form": BulkActionForm(user=request.user, initial={"next": query.urlencode()}),
    }
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
def record_visit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A coordinator of the visit writes its record (on or after the visit's date)."""
    visit = get_object_or_404(
        SiteVisit.objects.visible_to(request.user).select_related(
            "enterprise", "coordinator_a", "coordinator_b"
        ),
        pk=pk,
    )
    form = VisitRecordForm(request.POST or None, request.FILES or None)
    actions = VisitActionFormSet(request.POST or None, prefix="actions")
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        try:
            services.record_site_visit(
                visit=visit,
                actor=request.user,
                attendees=form.cleaned_data["attendees"],
                findings=form.cleaned_data["findings"],
                actions=[a for a in actions.cleaned_data if a],
                files=form.cleaned_data["attachments"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The visit record was saved; your partner confirms it next."))
            return redirect("coordination:visit_detail", pk=visit.pk)
    return render(
        request,
        "coordination/visit_record_form.html",
        {"visit": visit, "form": form, "actions": actions},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def visit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A site visit and its record with its signatures; the signer whose turn it is signs here."""
    visit = get_object_or_404(
        SiteVisit.objects.visible_to(request.user).select_related(
            "enterprise", "request", "coordinator_a__user", "coordinator_b__user"
        ),
        pk=pk,
    )
    record = (
        SiteVisitRecord.objects.filter(visit=visit)
        .select_related("written_by")
        .prefetch_related("actions", "attachments", "signatures__signer")
        .first()
    )
    decisions = _decisions_open_to(request.user, visit, record)
    form = VisitSignForm(request.POST or None, decisions=decisions)
    if request.method == "POST" and record is not None and form.is_valid():
        try:
            services.sign_visit_record(
                record=record,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your signature was recorded."))
            return redirect("coordination:visit_detail", pk=visit.pk)
    is_visitor = request.user.pk in (visit.coordinator_a.user_id, visit.coordinator_b.user_id)
    context = {
        "visit": visit,
        "record": record,
        "sign_form": form if decisions else None,
        "can_record": record is None
        and is_visitor
        and visit.status == SiteVisit.Status.SCHEDULED
        and timezone.localdate() >= timezone.localtime(visit.scheduled_for).date(),
    }
    return render(request, "coordination/visit_detail.html", context, status=400 if form.errors else 200)


def _decisions_open_to(user, visit, record) -> list[str]:
    if record is None or record.signature_of(user) is not None:
        return []
    if user.pk in record.coordinator_user_ids:
        return [VisitSignature.Decision.CONFIRMED]
    if record.confirmed_by_both and access.is_contact_person(user, visit.enterprise_id):
        return [VisitSignature.Decision.ACKNOWLEDGED, VisitSignature.Decision.DISPUTED]
    return []


@login_required
def visit_attachment(request: AuthenticatedHttpRequest, pk: int):
    return uploads.file_response(get_object_or_404(VisitAttachment.objects.visible_to(request.user), pk=pk))


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


@login_required
@require_POST
def workspace_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A bulk action on the selected requests: each goes through the same service as on its own page
    (accept, assign within the pair, transfer); a refusal is reported for that request, the others go on."""
    if not request.user.has_role(*WORKSPACE_ROLES):
        return _forbidden(request)
    form = BulkActionForm(request.POST, user=request.user)
    back = reverse("coordination:workspace")
    next_query = (request.POST.get("next") or "").lstrip("?")
    if next_query and "//" not in next_query:
        back = f"{back}?{next_query}"
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    data = form.cleaned_data
    user = request.user
    calls = {
        "accept": lambda obj: services.accept(request=obj, actor=user),
        "assign": lambda obj: services.assign(request=obj, actor=user, coordinator=data["coordinator"]),
        "transfer": lambda obj: services.transfer(
            request=obj,
            actor=user,
            reason=data["note"],
            to_office=data["to_office"],
            to_department=data["to_department"],
        ),
    }
    call = calls[data["action"]]
    selected = list(selectors.requests_for(user).filter(pk__in=data["requests"]).order_by("pk"))
    done = 0
    for obj in selected:
        try:
            call(obj)
        except DomainError as exc:
            messages.error(request, f"#{obj.pk}: {exc.message}")
        else:
            done += 1
    missing = len(data["requests"]) - len(selected)
    if missing:
        messages.error(
            request,
            ngettext(
                "%(n)d selected request is not one you may see.",
                "%(n)d selected requests are not ones you may see.",
                missing,
            )
            % {"n": missing},
        )
    if done:
        messages.success(
            request,
            ngettext("Done for %(n)d request.", "Done for %(n)d requests.", done) % {"n": done},
        )
    return redirect(back)


@login_required
@require_POST
def save_filter(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.has_role(*WORKSPACE_ROLES):
        return _forbidden(request)
    form = SaveFilterForm(request.POST)
    if form.is_valid():
        try:
            saved = services.save_filter(
                user=request.user, name=form.cleaned_data["name"], query=form.cleaned_data["query"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The view “%(name)s” was saved.") % {"name": saved.name})
            return redirect(f"{reverse('coordination:workspace')}?{saved.query}")
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("coordination:workspace")


@login_required
@require_POST
def delete_filter(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedFilter, pk=pk, user=request.user)
    services.delete_filter(user=request.user, saved=saved)
    messages.success(request, _("The view “%(name)s” was deleted.") % {"name": saved.name})
    return redirect("coordination:workspace")
