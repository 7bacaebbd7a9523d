"""The rules of the compliance assessment (docs/DOMAIN.md, "Compliance assessment"): only the current
pair writes and signs, each once; a not-met item needs an improvement action due after the assessment;
the enterprise sees nothing before both signatures and answers its actions; the pair reviews."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from compliance import services
from compliance.models import (
    ActionResponse,
    ActionStatus,
    Assessment,
    AssessmentSchedule,
    AssessmentSignature,
    ImprovementAction,
)
from coordinators import services as coordinator_services
from coordinators.models import RecusalReason
from credit.services.self_examination import submit_self_examination
from portal.exceptions import ConflictError, PermissionDeniedError
from portal.models import Notification
from tests.compliance.helpers import action, answers, codes, draft, signed
from tests.world import pdf

pytestmark = pytest.mark.django_db


def test_the_pair_writes_a_draft_compared_with_the_latest_self_examination(world):
    examination = submit_self_examination(
        enterprise=world.enterprise, submitted_by=world.contact, answers=dict.fromkeys(codes(), ("met", ""))
    )
    assessment = draft(world, not_met=(codes()[0],))
    assert assessment.state == Assessment.State.DRAFT
    assert assessment.self_examination == examination
    assert {assessment.coordinator_a, assessment.coordinator_b} == {world.coordinator, world.partner}
    assert assessment.answers.count() == len(codes())
    assert assessment.actions.get().owner == "关务经理 王芳"


def test_another_coordinator_of_the_office_cannot_write(world):
    with pytest.raises(PermissionDeniedError, match="current coordinator pair"):
        services.start_assessment(enterprise=world.enterprise, actor=world.spare.user)
    assert not Assessment.objects.exists()


def test_an_officer_cannot_write(world):
    with pytest.raises(PermissionDeniedError):
        services.start_assessment(enterprise=world.enterprise, actor=world.officer)


def test_a_recused_coordinator_can_neither_write_nor_sign(world):
    assessment = draft(world, not_met=(codes()[0],))
    coordinator_services.declare_recusal(
        coordinator=world.partner,
        enterprise=world.enterprise,
        reason=RecusalReason.KINSHIP,
        actor=world.manager,
    )
    world.partner.user.__dict__.pop("_guanqi_scope", None)
    with pytest.raises(PermissionDeniedError):
        services.sign_assessment(assessment=assessment, actor=world.partner.user)
    with pytest.raises(PermissionDeniedError):
        services.start_assessment(enterprise=world.enterprise, actor=world.partner.user)
    # The pair changed: the unsigned assessment is cancelled, kept for customs.
    assessment.refresh_from_db()
    assert assessment.state == Assessment.State.CANCELLED
    assert not AssessmentSignature.objects.exists()


def test_the_new_pair_starts_from_the_cancelled_draft(world):
    first = draft(world, not_met=(codes()[1],))
    coordinator_services.declare_recusal(
        coordinator=world.partner,
        enterprise=world.enterprise,
        reason=RecusalReason.KINSHIP,
        actor=world.manager,
    )
    again = services.start_assessment(enterprise=world.enterprise, actor=world.coordinator.user)
    assert again.pk != first.pk
    assert again.answers.count() == len(codes())
    assert again.actions.get().item.code == codes()[1]


def test_a_not_met_item_without_an_action_is_refused_and_nothing_changes(world):
    assessment = draft(world)
    with pytest.raises(services.AssessmentError, match="at least one improvement action") as refused:
        services.save_assessment(
            assessment=assessment,
            actor=world.coordinator.user,
            assessed_on=timezone.localdate(),
            summary="changed",
            answers=answers(not_met=(codes()[2],)),
            actions=[],
        )
    assert refused.value.item_codes == [codes()[2]]
    assessment.refresh_from_db()
    assert assessment.summary == "内部控制总体有效。"
    assert not assessment.answers.filter(judgement="not_met").exists()


def test_an_action_due_on_or_before_the_assessment_date_is_refused(world):
    with pytest.raises(services.AssessmentError, match="due after the assessment date"):
        draft(world, not_met=(codes()[0],), actions=[action(codes()[0], days=0)])
    assert not Assessment.objects.exists() or not ImprovementAction.objects.exists()


def test_a_gap_needs_evidence(world):
    assessment = services.start_assessment(enterprise=world.enterprise, actor=world.coordinator.user)
    bad = answers()
    bad[codes()[0]] = ("basically_met", "", "")
    with pytest.raises(services.AssessmentError, match="evidence"):
        services.save_assessment(
            assessment=assessment,
            actor=world.coordinator.user,
            assessed_on=timezone.localdate(),
            summary="",
            answers=bad,
        )


def test_an_assessment_dated_in_the_future_is_refused(world):
    assessment = services.start_assessment(enterprise=world.enterprise, actor=world.coordinator.user)
    with pytest.raises(services.AssessmentError, match="future"):
        services.save_assessment(
            assessment=assessment,
            actor=world.coordinator.user,
            assessed_on=timezone.localdate() + datetime.timedelta(days=1),
            summary="",
            answers=answers(),
        )


def test_an_incomplete_assessment_cannot_be_signed(world):
    assessment = services.start_assessment(enterprise=world.enterprise, actor=world.coordinator.user)
    partial = {codes()[0]: ("met", "", "")}
    services.save_assessment(
        assessment=assessment,
        actor=world.coordinator.user,
        assessed_on=timezone.localdate(),
        summary="",
        answers=partial,
    )
    with pytest.raises(services.AssessmentError, match="Judge every item"):
        services.sign_assessment(assessment=assessment, actor=world.coordinator.user)
    assert not AssessmentSignature.objects.exists()


def test_both_coordinators_sign_once_each_then_the_enterprise_is_told(world):
    assessment = draft(world, not_met=(codes()[0],), sign=True)
    assert assessment.state == Assessment.State.AWAITING_PARTNER
    assert Notification.objects.filter(recipient=world.partner.user, verb="compliance_assessment").exists()
    with pytest.raises(ConflictError, match="already signed"):
        services.sign_assessment(assessment=assessment, actor=world.coordinator.user)
    with pytest.raises(ConflictError):
        services.save_assessment(
            assessment=assessment,
            actor=world.partner.user,
            assessed_on=timezone.localdate(),
            summary="changed after a signature",
            answers=answers(),
        )
    services.sign_assessment(assessment=assessment, actor=world.partner.user)
    assessment.refresh_from_db()
    assert assessment.state == Assessment.State.SIGNED and assessment.signed_at is not None
    assert assessment.signatures.count() == 2
    assert Notification.objects.filter(recipient=world.contact, verb="compliance_assessment").exists()
    schedule = AssessmentSchedule.objects.get(enterprise=world.enterprise)
    assert schedule.assessed and schedule.due_on == services.add_months(timezone.localdate(), 12)


def test_signatures_never_change(world):
    assessment = signed(world)
    signature = assessment.signatures.first()
    with pytest.raises(IntegrityError):
        AssessmentSignature.objects.create(assessment=assessment, signer=signature.signer)


def test_at_most_one_unsigned_assessment_per_enterprise(world):
    first = draft(world)
    assert services.start_assessment(enterprise=world.enterprise, actor=world.partner.user) == first
    with pytest.raises(IntegrityError):
        Assessment.objects.create(
            enterprise=world.enterprise,
            coordinator_a=first.coordinator_a,
            coordinator_b=first.coordinator_b,
            assessed_on=timezone.localdate(),
            written_by=world.partner.user,
        )


def test_the_enterprise_sees_nothing_before_both_signatures(world):
    assessment = draft(world, not_met=(codes()[0],), sign=True)
    assert not Assessment.objects.visible_to(world.contact).exists()
    assert not ImprovementAction.objects.visible_to(world.contact).exists()
    services.sign_assessment(assessment=assessment, actor=world.partner.user)
    assert Assessment.objects.visible_to(world.contact).get() == assessment
    assert ImprovementAction.objects.visible_to(world.staff).count() == 1


def test_another_enterprise_sees_nothing(world):
    signed(world, not_met=(codes()[0],))
    assert not Assessment.objects.visible_to(world.other_contact).exists()
    assert not ImprovementAction.objects.visible_to(world.other_contact).exists()


def test_members_answer_and_the_pair_accepts_or_reopens(world):
    assessment = signed(world, not_met=(codes()[0],))
    improvement = assessment.actions.get()
    with pytest.raises(PermissionDeniedError):
        services.respond_to_action(action=improvement, actor=world.other_contact, answer="x")
    with pytest.raises(PermissionDeniedError):
        services.respond_to_action(action=improvement, actor=world.coordinator.user, answer="x")
    with pytest.raises(services.ActionError):
        services.respond_to_action(action=improvement, actor=world.staff, answer="  ")
    services.respond_to_action(
        action=improvement, actor=world.staff, answer="已建立复核制度。", files=[pdf("制度.pdf")]
    )
    improvement.refresh_from_db()
    assert improvement.status == ActionStatus.ANSWERED
    assert Notification.objects.filter(recipient=world.coordinator.user, verb="improvement_action").exists()
    with pytest.raises(PermissionDeniedError):
        services.review_response(action=improvement, actor=world.contact, decision="accepted")
    with pytest.raises(PermissionDeniedError):
        services.review_response(action=improvement, actor=world.spare.user, decision="accepted")
    with pytest.raises(services.ActionError, match="why"):
        services.review_response(action=improvement, actor=world.partner.user, decision="reopened")
    new_due = timezone.localdate() + datetime.timedelta(days=20)
    services.review_response(
        action=improvement,
        actor=world.partner.user,
        decision="reopened",
        comment="请补充培训记录",
        due_on=new_due,
    )
    improvement.refresh_from_db()
    assert improvement.status == ActionStatus.REOPENED and improvement.due_on == new_due
    services.respond_to_action(action=improvement, actor=world.contact, answer="补充培训签到表。")
    services.review_response(action=improvement, actor=world.coordinator.user, decision="accepted")
    improvement.refresh_from_db()
    assert improvement.status == ActionStatus.ACCEPTED
    # Every response is kept with its review.
    assert list(ActionResponse.objects.filter(action=improvement).values_list("review", flat=True)) == [
        "reopened",
        "accepted",
    ]
    with pytest.raises(ConflictError):
        services.respond_to_action(action=improvement, actor=world.contact, answer="again")
