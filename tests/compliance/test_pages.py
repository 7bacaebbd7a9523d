"""The compliance pages: the pair's list (constant queries), form (self-examination beside each item,
differences highlighted; bad input → a clear message, nothing saved) and detail with the partner's
signature; the enterprise's page and action page; another enterprise gets a 404; the admin renders for
an officer in both languages; the enterprise file's section."""

from __future__ import annotations

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from compliance import selectors, services
from compliance.models import ActionStatus, Assessment, AssessmentPolicy, ImprovementAction
from credit.services.self_examination import submit_self_examination
from tests.admin_pages import assert_constant_queries
from tests.compliance.helpers import codes, draft, signed
from tests.world import pdf

pytestmark = pytest.mark.django_db


def _form_data(not_met: str = "", *, action: bool = True, sign: bool = False, due_days: int = 30) -> dict:
    data = {
        "assessed_on": timezone.localdate().isoformat(),
        "summary": "总体符合。",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "50",
    }
    for code in codes():
        data[f"judgement_{code}"] = "not_met" if code == not_met else "met"
        data[f"evidence_{code}"] = "抽查记录缺失" if code == not_met else ""
        data[f"notes_{code}"] = ""
    if not_met and action:
        data.update(
            {
                "actions-0-item": not_met,
                "actions-0-description": "完善单证复核制度",
                "actions-0-owner": "关务经理 王芳",
                "actions-0-due_on": (timezone.localdate() + datetime.timedelta(days=due_days)).isoformat(),
            }
        )
    if sign:
        data["sign"] = "1"
    return data


def test_the_coordinator_writes_and_signs_on_the_form_and_the_partner_signs(client, world):
    submit_self_examination(
        enterprise=world.enterprise,
        submitted_by=world.contact,
        answers=dict.fromkeys(codes(), ("met", "")),
    )
    client.force_login(world.coordinator.user)
    url = reverse("compliance:assessment_edit", args=[world.enterprise.pk])
    page = client.get(url)
    assert page.status_code == 200 and b'data-self-judgement="met"' in page.content
    response = client.post(url, _form_data(codes()[0], sign=True))
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and assessment.state == Assessment.State.AWAITING_PARTNER
    detail = client.get(reverse("compliance:assessment_detail", args=[assessment.pk]))
    # The not-met item differs from the enterprise's own "met": highlighted.
    assert b'data-testid="differs"' in detail.content and b'data-testid="sign"' not in detail.content
    client.force_login(world.partner.user)
    detail = client.get(reverse("compliance:assessment_detail", args=[assessment.pk]))
    assert b'data-testid="sign"' in detail.content
    client.post(reverse("compliance:assessment_detail", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.state == Assessment.State.SIGNED


def test_a_not_met_item_without_an_action_gets_a_clear_message_and_nothing_is_saved(client, world):
    client.force_login(world.coordinator.user)
    url = reverse("compliance:assessment_edit", args=[world.enterprise.pk])
    response = client.post(url, _form_data(codes()[0], action=False))
    assert response.status_code == 400
    assert "needs at least one improvement action" in response.content.decode()
    assert not Assessment.objects.exists()


def test_garbage_input_is_a_400_not_a_500(client, world):
    client.force_login(world.coordinator.user)
    url = reverse("compliance:assessment_edit", args=[world.enterprise.pk])
    data = _form_data(codes()[0], due_days=0)
    data["assessed_on"] = "not-a-date"
    assert client.post(url, data).status_code == 400
    data = _form_data(codes()[0], due_days=0)
    response = client.post(url, data)
    assert response.status_code == 400 and "due after the assessment date" in response.content.decode()
    assert not Assessment.objects.exists()


def test_only_the_pair_opens_the_form_and_another_enterprise_gets_a_404(client, world):
    client.force_login(world.spare.user)  # does not see the enterprise at all
    assert client.get(reverse("compliance:assessment_edit", args=[world.enterprise.pk])).status_code == 404
    client.force_login(world.officer)  # sees it, does not assess it
    assert client.get(reverse("compliance:assessment_edit", args=[world.enterprise.pk])).status_code == 403
    client.force_login(world.contact)
    assert client.get(reverse("compliance:assessment_edit", args=[world.enterprise.pk])).status_code == 403
    assessment = signed(world, not_met=(codes()[0],))
    client.force_login(world.other_contact)
    assert client.get(reverse("compliance:assessment_detail", args=[assessment.pk])).status_code == 404
    action = assessment.actions.get()
    assert client.get(reverse("compliance:action_detail", args=[action.pk])).status_code == 404


def test_the_enterprise_sees_no_draft_then_answers_its_action_with_a_file(client, world):
    assessment = draft(world, not_met=(codes()[0],), sign=True)
    client.force_login(world.contact)
    assert client.get(reverse("compliance:assessment_detail", args=[assessment.pk])).status_code == 404
    assert client.get(reverse("enterprises:home")).content.count(b"compliance-panel") == 0
    services.sign_assessment(assessment=assessment, actor=world.partner.user)
    home = client.get(reverse("enterprises:home"))
    assert b'data-testid="compliance-panel"' in home.content
    page = client.get(reverse("compliance:enterprise_home"))
    assert page.status_code == 200 and b'data-testid="action-row"' in page.content
    action = assessment.actions.get()
    url = reverse("compliance:action_detail", args=[action.pk])
    bad = client.post(url, {"response-answer": ""})
    assert bad.status_code == 400
    response = client.post(url, {"response-answer": "已完善制度", "response-attachments": [pdf("制度.pdf")]})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.ANSWERED
    page = client.get(url)
    assert "制度.pdf" in page.content.decode()
    file_url = reverse("compliance:file", args=[action.responses.get().files.get().pk])
    assert client.get(file_url).status_code == 200
    client.force_login(world.other_contact)
    assert client.get(file_url).status_code == 404
    client.force_login(world.coordinator.user)
    response = client.post(url, {"review-decision": "accepted", "review-comment": ""})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.ACCEPTED


def test_the_coordinators_list_runs_the_same_queries_for_3_and_30_enterprises(
    client, world, django_assert_max_num_queries
):
    a, b = world.coordinator, world.partner
    world.assign(a, b, count=2)
    client.force_login(a.user)
    assert_constant_queries(
        client,
        reverse("compliance:assessment_list"),
        lambda: world.assign(a, b, count=27),
        django_assert_max_num_queries,
    )
    page = client.get(reverse("compliance:assessment_list"))
    assert page.content.count(b'data-testid="assessment-row"') == 30


def test_the_coordinators_list_pages_by_keyset(client, world, monkeypatch):
    a, b = world.coordinator, world.partner
    world.assign(a, b, count=4)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    client.force_login(a.user)
    seen = []
    url = reverse("compliance:assessment_list")
    for _ in range(3):
        page = client.get(url)
        seen += page.content.decode().split('data-enterprise="')[1:]
        if 'data-testid="next-page"' not in page.content.decode():
            break
        after = page.content.decode().split('href="?after=')[1].split('"')[0]
        url = reverse("compliance:assessment_list") + f"?after={after}"
    assert len(seen) == 5


def test_the_file_section_lists_the_history_for_customs_and_signed_ones_for_the_enterprise(world):
    signed(world, not_met=(codes()[0],))
    draft(world)
    officer_view = selectors.assessment_history(world.enterprise, world.officer)
    assert [a.state for a in officer_view] == ["draft", "signed"]
    assert officer_view[1].not_met == 1 and officer_view[1].owed == 1
    assert [a.state for a in selectors.assessment_history(world.enterprise, world.contact)] == ["signed"]
    assert selectors.assessment_history(world.enterprise, world.foreign_officer) == []
    html = render_to_string("compliance/_file_section.html", {"assessments": officer_view})
    assert html.count('data-testid="history-row"') == 2


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_admin_pages_render_for_an_officer(client, world, language):
    assessment = signed(world, not_met=(codes()[0],))
    action = assessment.actions.get()
    services.save_policy(policy=AssessmentPolicy(district=world.district))
    world.officer.language = language
    world.officer.is_staff = True
    world.officer.save()
    client.force_login(world.officer)
    for url in (
        reverse("admin:compliance_assessment_changelist"),
        reverse("admin:compliance_assessment_change", args=[assessment.pk]),
        reverse("admin:compliance_improvementaction_changelist") + "?overdue=yes&status=open",
        reverse("admin:compliance_improvementaction_change", args=[action.pk]),
        reverse("admin:compliance_assessmentpolicy_changelist"),
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
    client.force_login(world.foreign_officer)
    assert client.get(reverse("admin:compliance_assessment_change", args=[assessment.pk])).status_code in (
        302,
        403,
        404,
    )


def test_a_manager_edits_the_districts_policy_in_the_admin(client, world):
    world.manager.is_staff = True
    world.manager.save()
    client.force_login(world.manager)
    response = client.post(
        reverse("admin:compliance_assessmentpolicy_add"),
        {"district": world.district.pk, "interval_months": "6", "remind_days_before": "14"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AssessmentPolicy.objects.get(district=world.district).interval_months == 6
    policy = AssessmentPolicy.objects.get()
    bad = client.post(
        reverse("admin:compliance_assessmentpolicy_change", args=[policy.pk]),
        {"interval_months": "0", "remind_days_before": "14"},
    )
    assert bad.status_code == 200 and AssessmentPolicy.objects.get().interval_months == 6
    assert ImprovementAction.objects.count() == 0


def _more_actions(assessment, n: int) -> None:
    base = assessment.actions.first()
    ImprovementAction.objects.bulk_create(
        ImprovementAction(
            enterprise=base.enterprise,
            district=base.district,
            assessment=assessment,
            item=base.item,
            description=f"整改 {i}",
            owner="王芳",
            due_on=base.due_on,
        )
        for i in range(n)
    )


def test_the_enterprise_page_and_the_assessment_page_run_the_same_queries_for_3_and_30_actions(
    client, world, django_assert_max_num_queries
):
    assessment = signed(world, not_met=(codes()[0], codes()[1], codes()[2]))
    client.force_login(world.contact)
    assert_constant_queries(
        client,
        reverse("compliance:enterprise_home"),
        lambda: _more_actions(assessment, 27),
        django_assert_max_num_queries,
    )
    client.force_login(world.officer)
    assert_constant_queries(
        client,
        reverse("compliance:assessment_detail", args=[assessment.pk]),
        lambda: _more_actions(assessment, 27),
        django_assert_max_num_queries,
    )
