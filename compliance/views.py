"""Pages of the compliance assessment: the pair's list, form and detail (with the partner's signature),
the enterprise's page of signed assessments and the action page where the enterprise answers and the
pair accepts or reopens. Thin: every rule is in ``compliance.services``; every read goes through
``visible_to`` (a guessed id of another enterprise is a 404)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance import selectors, services
from compliance.forms import ActionFormSet, AssessmentForm, ResponseForm, ReviewForm
from compliance.models import OWED_STATUSES, ActionFile, ActionStatus, Assessment, ImprovementAction
from enterprises.models import Enterprise
from enterprises.scoping import is_member, member_enterprise
from portal import uploads
from portal.exceptions import DomainError
from portal.roles import Role
from portal.typing import AuthenticatedHttpRequest


def _forbidden(request) -> HttpResponse:
    return render(request, "403.html", status=403)


def _in_pair(user, enterprise) -> bool:
    try:
        services.pair_member(user, enterprise)
    except DomainError:
        return False
    return True


def _parse_after(value: str) -> tuple[datetime.date, int] | None:
    try:
        day, pk = value.split("_", 1)
        return datetime.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


@login_required
def assessment_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The coordinator's enterprises with their next assessment's due date and state, soonest first."""
    if Role.COORDINATOR not in request.user.roles:
        return _forbidden(request)
    after = _parse_after(request.GET.get("after", ""))
    rows = list(selectors.coordinator_enterprises(request.user, after=after)[: selectors.PAGE_SIZE + 1])
    has_next = len(rows) > selectors.PAGE_SIZE
    rows = rows[: selectors.PAGE_SIZE]
    today = timezone.localdate()
    office = request.user.local_customs
    remind = services.policy_for(office.district_id).remind_days_before if office is not None else 0
    soon = today + datetime.timedelta(days=remind)
    return render(
        request,
        "compliance/assessment_list.html",
        {
            "rows": rows,
            "today": today,
            "soon": soon,
            "next_after": f"{rows[-1].due.isoformat()}_{rows[-1].pk}"
            if has_next and rows and rows[-1].due
            else None,
        },
    )


@login_required
def assessment_edit(request: AuthenticatedHttpRequest, enterprise_pk: int) -> HttpResponse:
    """The pair writes the assessment of one enterprise: each item with the enterprise's own judgement
    beside it (differences highlighted), improvement actions for the items not met; save, or save and
    sign."""
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=enterprise_pk)
    if not _in_pair(request.user, enterprise):
        return _forbidden(request)
    assessment = Assessment.objects.open().filter(enterprise=enterprise).first()
    if assessment is not None and assessment.state != Assessment.State.DRAFT:
        return redirect("compliance:assessment_detail", pk=assessment.pk)
    items = services.active_items()
    if assessment is None:
        draft = Assessment(enterprise=enterprise, assessed_on=timezone.localdate())
        draft.self_examination = (
            enterprise.self_examinations.order_by("-submitted_at", "-id").first()  # type: ignore[attr-defined]
        )
    else:
        draft = selectors.assessment_for_page(request.user, assessment.pk) or assessment
    item_rows = selectors.item_rows(draft) if draft.pk else _blank_rows(draft, items)
    initial = {
        row.item.code: (row.answer.judgement, row.answer.evidence, row.answer.notes)  # type: ignore[attr-defined]
        for row in item_rows
        if row.answer is not None
    }
    form = AssessmentForm(
        request.POST or None,
        items=items,
        initial_answers=initial,
        initial={"assessed_on": draft.assessed_on, "summary": draft.summary},
    )
    initial_actions = [
        {"item": a.item.code, "description": a.description, "owner": a.owner, "due_on": a.due_on}
        for row in item_rows
        for a in row.actions
    ]
    actions = ActionFormSet(
        request.POST or None, prefix="actions", items=items, initial=initial_actions or None
    )
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        sign = "sign" in request.POST
        try:
            with transaction.atomic():
                started = services.start_assessment(enterprise=enterprise, actor=request.user)
                saved = services.save_assessment(
                    assessment=started,
                    actor=request.user,
                    assessed_on=form.cleaned_data["assessed_on"],
                    summary=form.cleaned_data["summary"],
                    answers=form.answers(),
                    actions=actions.actions(),
                    sign=sign,
                )
        except services.AssessmentError as exc:
            form.add_error(None, exc.message)
            form.mark_items(exc.item_codes, _("See the message above."))
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The assessment was signed; your partner signs it next.")
                if sign
                else _("The draft was saved."),
            )
            if sign:
                return redirect("compliance:assessment_detail", pk=saved.pk)
            return redirect("compliance:assessment_edit", enterprise_pk=enterprise.pk)
    return render(
        request,
        "compliance/assessment_form.html",
        {
            "enterprise": enterprise,
            "assessment": draft,
            "form": form,
            "rows": form.rows(item_rows),
            "actions": actions,
        },
        status=400 if request.method == "POST" else 200,
    )


def _blank_rows(draft: Assessment, items) -> list[selectors.ItemRow]:
    own = selectors.self_answers(draft)
    return [selectors.ItemRow(item, own.get(item.pk), None, []) for item in items]


@login_required
def assessment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An assessment with its items (differences from the self-examination highlighted), actions and
    signatures; the coordinator of the pair who has not signed signs here."""
    assessment = selectors.assessment_for_page(request.user, pk)
    if assessment is None:
        raise Http404
    can_sign = (
        assessment.is_open
        and assessment.signature_of(request.user) is None
        and request.user.pk in assessment.coordinator_user_ids
        and _in_pair(request.user, assessment.enterprise)
    )
    error = ""
    if request.method == "POST":
        try:
            services.sign_assessment(assessment=assessment, actor=request.user)
        except DomainError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("Your signature was recorded."))
            return redirect("compliance:assessment_detail", pk=assessment.pk)
    can_edit = assessment.state == Assessment.State.DRAFT and _in_pair(request.user, assessment.enterprise)
    return render(
        request,
        "compliance/assessment_detail.html",
        {
            "assessment": assessment,
            "rows": selectors.item_rows(assessment),
            "can_sign": can_sign,
            "can_edit": can_edit,
            "error": error,
            "is_customs": request.user.is_customs_staff,
        },
        status=400 if error else 200,
    )


@login_required
def enterprise_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The enterprise's signed assessments and the improvement actions it owes or answered."""
    enterprise = member_enterprise(request.user)
    if enterprise is None:
        return _forbidden(request)
    return render(
        request,
        "compliance/enterprise_home.html",
        {
            "enterprise": enterprise,
            "assessments": selectors.assessment_history(enterprise, request.user),
            "actions": selectors.owed_actions(request.user, enterprise),
            "today": timezone.localdate(),
        },
    )


@login_required
def action_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An improvement action with every response: members answer it (text and files) while it is open
    or reopened; the pair accepts the answer or reopens it."""
    action = get_object_or_404(
        ImprovementAction.objects.visible_to(request.user).select_related("assessment", "enterprise", "item"),
        pk=pk,
    )
    can_respond = action.status in OWED_STATUSES and is_member(request.user, action.enterprise_id)
    can_review = action.status == ActionStatus.ANSWERED and _in_pair(request.user, action.enterprise)
    response_form = (
        ResponseForm(request.POST or None, request.FILES or None, prefix="response") if can_respond else None
    )
    review_form = ReviewForm(request.POST or None, prefix="review") if can_review else None
    if request.method == "POST":
        try:
            if response_form is not None and response_form.is_valid():
                services.respond_to_action(
                    action=action,
                    actor=request.user,
                    answer=response_form.cleaned_data["answer"],
                    files=response_form.cleaned_data["attachments"],
                )
                messages.success(request, _("Your answer was sent to your coordinators."))
                return redirect("compliance:action_detail", pk=action.pk)
            if review_form is not None and review_form.is_valid():
                services.review_response(
                    action=action,
                    actor=request.user,
                    decision=review_form.cleaned_data["decision"],
                    comment=review_form.cleaned_data["comment"],
                    due_on=review_form.cleaned_data["due_on"],
                )
                messages.success(request, _("Your review was recorded; the enterprise is told."))
                return redirect("compliance:action_detail", pk=action.pk)
            if response_form is None and review_form is None:
                return _forbidden(request)
        except DomainError as exc:
            (response_form or review_form).add_error(None, exc.message)  # type: ignore[union-attr]
    responses = action.responses.select_related("author", "reviewed_by").prefetch_related("files")
    return render(
        request,
        "compliance/action_detail.html",
        {
            "action": action,
            "responses": responses,
            "response_form": response_form,
            "review_form": review_form,
            "overdue": action.is_overdue(),
            "is_customs": request.user.is_customs_staff,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def action_file(request: AuthenticatedHttpRequest, pk: int):
    return uploads.file_response(get_object_or_404(ActionFile.objects.visible_to(request.user), pk=pk))
