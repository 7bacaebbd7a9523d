"""Coordination request pages shared by both sides: my requests (enterprise), filing, the request page
(thread, timeline, SLA, actions), replies, actions and the permission-checked attachment download.

Views are thin: they read through ``requests.selectors`` (scoped by ``visible_to``; an id the user may
not see is a 404, so ids can't be probed) and write through ``requests.services``; a ``DomainError``
becomes a flash message or a form error, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from coordination import access, knowledge, selectors, services, states
from coordination.forms import (
    ConfirmForm,
    NoteForm,
    ReplyForm,
    RequestFilterForm,
    RequestForm,
    TransferForm,
)
from coordination.models import CannedResponse, PublishedAnswer, RequestStatus
from enterprises.scoping import member_enterprise
from portal import uploads
from portal.exceptions import DomainError
from portal.registry import request_sections
from portal.roles import ENTERPRISE_ROLES
from portal.typing import AuthenticatedHttpRequest


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "403.html", status=403)


def _get_visible(request: HttpRequest, pk: int):
    obj = selectors.request_for(request.user, pk)
    if obj is None:
        raise Http404
    return obj


def _detail(obj) -> str:
    return reverse("coordination:request_detail", args=[obj.pk])


@login_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My requests: the enterprise's requests with status / service / date filters and search."""
    if not request.user.has_role(*ENTERPRISE_ROLES):
        return redirect("coordination:workspace") if request.user.is_customs_staff else _forbidden(request)
    form = RequestFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.enterprise_request_list(
        request.user,
        status=filters.get("status") or "",
        service_type=filters.get("service_type") or "",
        filed_from=filters.get("filed_from"),
        filed_to=filters.get("filed_to"),
        query=filters.get("q") or "",
        cursor=request.GET.get("cursor"),
    )
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = (
        "coordination/_request_rows.html"
        if getattr(request, "htmx", False)
        else "coordination/request_list.html"
    )
    return render(request, template, context)


@login_required
def request_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    enterprise = member_enterprise(request.user)
    if enterprise is None:
        return _forbidden(request)
    form = RequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            obj = services.file_request(
                enterprise=enterprise,
                author=request.user,
                service_type=data["service_type"],
                subject=data["subject"],
                description=data["description"],
                urgency=data["urgency"],
                files=data["attachments"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Your request #%(n)s was filed. Your coordinators have been told.") % {"n": obj.pk}
            )
            return redirect(_detail(obj))
    return render(request, "coordination/request_form.html", {"form": form, "enterprise": enterprise})


@login_required
@require_GET
def answer_suggestions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """htmx: published answers similar to the subject being typed."""
    subject = request.GET.get("subject", "")
    return render(
        request,
        "coordination/_suggestions.html",
        {"answers": list(knowledge.similar_to(subject)), "subject": subject},
    )


@login_required
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = _get_visible(request, pk)
    return render(request, "coordination/request_detail.html", _detail_context(request, obj))


def _detail_context(request: AuthenticatedHttpRequest, obj, **extra) -> dict:
    user = request.user
    file = selectors.request_file(user, obj)
    actions = {a.name: a for a in states.available_actions(obj, user)}
    customs = access.can_handle(user, obj)
    context = {
        "obj": obj,
        "file": file,
        "actions": actions,
        "is_customs": user.is_customs_staff,
        "can_handle": customs,
        "reply_form": ReplyForm(
            customs=customs and user.is_customs_staff, canned_responses=_canned_responses(user)
        ),
        "note_form": NoteForm(),
        "confirm_form": ConfirmForm(),
        "transfer_form": TransferForm(request_obj=obj) if "transfer" in actions else None,
        "can_request_visit": obj.is_open
        and obj.site_visit_requested_at is None
        and access.can(user, obj, access.CONTACT_PERSON),
        "can_publish": customs
        and obj.status in (RequestStatus.RESOLVED, RequestStatus.CLOSED)
        and not PublishedAnswer.objects.filter(source_request=obj).exists(),
        "reopen_until": obj.reopen_until,
        "sections": request_sections.render_context(request, obj),
        "can_reply": (customs and obj.status != RequestStatus.TRANSFERRED and obj.status in _REPLY_STATUSES)
        or (not user.is_customs_staff and obj.is_open and access.can(user, obj, access.ENTERPRISE)),
    }
    context.update(extra)
    return context


def _canned_responses(user) -> list[CannedResponse]:
    if not user.is_customs_staff or not user.local_customs_id:
        return []
    return list(
        CannedResponse.objects.filter(office_id=user.local_customs_id, is_active=True).order_by("title")
    )


_REPLY_STATUSES = {"submitted", "accepted", "in_progress", "awaiting_enterprise", "resolved"}


@login_required
@require_POST
def request_reply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = _get_visible(request, pk)
    form = ReplyForm(
        request.POST,
        request.FILES,
        customs=request.user.is_customs_staff,
        canned_responses=_canned_responses(request.user),
    )
    if form.is_valid():
        try:
            services.post_message(
                request=obj,
                author=request.user,
                body=form.cleaned_data["body"],
                internal=form.cleaned_data.get("internal", False),
                files=form.cleaned_data["attachments"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your message was sent."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(_detail(obj) + "#thread")


# One row per action: the service to call and how to read its arguments from the POST.
def _note(post) -> str:
    return post.get("note", "")


ACTION_CALLS = {
    "accept": lambda obj, user, post: services.accept(request=obj, actor=user),
    "ask_information": lambda obj, user, post: services.ask_for_information(
        request=obj, actor=user, question=_note(post)
    ),
    "resolve": lambda obj, user, post: services.resolve(request=obj, actor=user, summary=_note(post)),
    "reject": lambda obj, user, post: services.reject(request=obj, actor=user, reason=_note(post)),
    "withdraw": lambda obj, user, post: services.withdraw(request=obj, actor=user, reason=_note(post)),
    "confirm": lambda obj, user, post: services.confirm_resolution(
        request=obj, actor=user, rating=post.get("rating"), comment=post.get("comment", "")
    ),
    "reopen": lambda obj, user, post: services.reopen(request=obj, actor=user, reason=_note(post)),
    "accept_transfer": lambda obj, user, post: services.accept_transfer(request=obj, actor=user),
    "decline_transfer": lambda obj, user, post: services.decline_transfer(
        request=obj, actor=user, reason=_note(post)
    ),
    "request_site_visit": lambda obj, user, post: services.request_site_visit(
        request=obj, actor=user, note=_note(post)
    ),
}


@login_required
@require_POST
def request_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    obj = _get_visible(request, pk)
    if action == "transfer":
        return _transfer(request, obj)
    call = ACTION_CALLS.get(action)
    if call is None:
        raise Http404
    try:
        call(obj, request.user, request.POST)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": _action_label(action)})
    return redirect(_detail(obj))


def _action_label(action: str) -> str:
    spec = states.ACTIONS.get(action)
    return str(spec.label) if spec else _("Site visit requested")


def _transfer(request: HttpRequest, obj) -> HttpResponse:
    form = TransferForm(request.POST, request_obj=obj)
    if form.is_valid():
        try:
            services.transfer(
                request=obj,
                actor=request.user,
                reason=form.cleaned_data["note"],
                to_office=form.cleaned_data["to_office"],
                to_department=form.cleaned_data["to_department"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("The request was transferred; your office stays responsible until it is accepted.")
            )
            return redirect(_detail(obj))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(_detail(obj))


@login_required
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """Serve one attachment after checking access (same scope as the request; internal files only for
    customs). Unknown or invisible ids are 404."""
    attachment = selectors.attachment_for(request.user, pk)
    if attachment is None:
        raise Http404
    return uploads.file_response(attachment)
