"""The world of the access matrix (tests/portal/test_access_matrix.py): enterprise A with everything a
route can name — a request with a file, a site visit, a published answer, an appeal with a file, a
registration change, a self-examination, a training session with a registration and a material, an
announcement, a calendar token; issue 13's: an API token, a canned response, a saved filter, the files of
a registration change, a repair application, a self-examination and an announcement — and the twelve
people who ask for it.

B is another enterprise of A's office (its contact person and coordinator must see nothing of A); the
recused coordinator withdrew from A; "other" officers and managers belong to another district.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import cast

from django.utils import timezone

from appeals.models import AppealAttachment
from compliance import services as compliance
from compliance.models import ActionFile, ImprovementAction
from coordination import services as requests
from coordination.models import CannedResponse, RequestAttachment, VisitAttachment
from coordinators import services as coordinators
from coordinators.models import RecusalReason, Rotation
from credit.models import (
    CreditEvent,
    Judgement,
    RepairApplication,
    RepairApplicationAttachment,
    SelfExaminationEvidence,
    StandardItem,
)
from credit.services import self_examination
from enterprises import services as enterprises
from enterprises.models import RegistrationChangeAttachment
from liaison import services as liaison
from outreach import services as outreach
from outreach.models import AnnouncementAttachment
from portal import tokens, uploads
from portal.models import Department, Notification, User
from portal.roles import Role
from tests.factories import DepartmentFactory, UserFactory
from tests.world import World, pdf

ROLES = (
    "anonymous",
    "contact_a",
    "staff_a",
    "contact_b",
    "coordinator_a",
    "coordinator_b",
    "coordinator_recused",
    "officer_a",
    "officer_other",
    "manager_a",
    "manager_other",
    "administrator",
)


@dataclass
class AccessWorld:
    world: World
    users: dict = field(default_factory=dict)  # role -> User (None: anonymous)
    ids: dict = field(default_factory=dict)  # what a route names -> id or value


def build() -> AccessWorld:
    w = World()
    a = w.party
    b_enterprise = w.new_paired_enterprise(office=w.office, actor=w.manager)
    contact_b = w.new_contact(b_enterprise)
    coordinator_b = b_enterprise.pair_assignments.get(ended_on__isnull=True).coordinator_a
    admin = UserFactory(username="matrix-admin", is_superuser=True, is_staff=True)
    recused = a.partner
    # The partner withdraws from A: the spare replaces them in A's pair.
    coordinators.declare_recusal(
        coordinator=recused, enterprise=a.enterprise, reason=RecusalReason.KINSHIP, actor=w.manager
    )
    coordinator_a = a.coordinator
    now = timezone.now()

    request = w.file_request(files=[pdf()])
    requests.accept(request=request, actor=coordinator_a.user)
    requests.post_message(request=request, author=a.contact, body="补充材料", internal=False, files=[])
    visit = requests.schedule_site_visit(
        request=request,
        actor=coordinator_a.user,
        coordinators=[coordinator_a, a.spare],
        scheduled_for=now + datetime.timedelta(days=3),
        place="企业厂区",
        purpose="现场核查",
    )
    published = w.file_request(subject="退税问题")
    requests.accept(request=published, actor=coordinator_a.user)
    requests.resolve(request=published, actor=coordinator_a.user, summary="已解决。")
    answer = requests.publish_answer(
        request=published,
        actor=coordinator_a.user,
        title="退税",
        question="问题",
        answer="答复",
        publish_despite_identity=True,
    )
    appeal = w.file_appeal("penalty", attachments=[pdf()])
    change = enterprises.submit_registration_change(
        enterprise=a.enterprise,
        submitted_by=a.contact,
        new_values={"phone": "010-66668888"},
        files=[pdf("licence.pdf")],
    )
    items = list(StandardItem.objects.filter(active=True).order_by("position", "code"))
    exam = self_examination.submit_self_examination(
        enterprise=a.enterprise,
        submitted_by=a.contact,
        answers={item.code: (Judgement.MET, "") for item in items},
        evidence_files={items[0].code: [pdf("evidence.pdf")]},
    )
    session = outreach.create_training_session(
        actor=w.officer,
        title="AEO 培训",
        starts_at=now + datetime.timedelta(days=10),
        ends_at=now + datetime.timedelta(days=10, hours=3),
        capacity=20,
        district=w.office.district,
        place="海关大厅",
    )
    outreach.invite_audience(session=session, actor=w.officer)
    registration = outreach.register_attendee(
        session=session, enterprise=a.enterprise, actor=a.contact, attendee=a.contact
    )
    material = outreach.add_material(session=session, actor=w.officer, title="讲义", upload=pdf("slides.pdf"))
    announcement = outreach.create_announcement(
        actor=w.manager, title="通知", body="内容", district=w.office.district, files=[pdf("notice.pdf")]
    )
    token = outreach.calendar_token_for(a.contact)

    # Issues 12 and 15: a co-signed visit record with a file; a referral to a department and a department
    # notice; a signed compliance assessment with an improvement action answered with a file; a rotation
    # due; a notification of A's contact person.
    record = requests.record_site_visit(
        visit=requests.schedule_site_visit(
            request=request,
            actor=coordinator_a.user,
            coordinators=[coordinator_a, a.spare],
            scheduled_for=now + datetime.timedelta(hours=1),
            place="仓库",
            purpose="复核",
        ),
        actor=coordinator_a.user,
        attendees="王芳",
        findings="单证齐全",
        files=[pdf("record.pdf")],
        now=now + datetime.timedelta(hours=2),
    )
    department = cast(
        Department, DepartmentFactory(district=w.district, name_zh="风险防控处", name_en="Risk Control")
    )
    liaison_officer = cast(
        User, UserFactory(roles=[Role.CUSTOMS_OFFICER], department=department, is_staff=True)
    )
    liaison.name_liaison_officer(department=department, user=liaison_officer, actor=w.manager)
    referral = liaison.refer(
        request=request, department=department, question="请协助核实", actor=coordinator_a.user
    )
    notice = liaison.publish_notice(
        department=department,
        kind="supervision",
        title="监管信息",
        body="内容",
        enterprises=[a.enterprise],
        actor=liaison_officer,
    )
    not_met = next(iter(StandardItem.objects.filter(active=True).order_by("position", "code")))
    assessment = compliance.start_assessment(enterprise=a.enterprise, actor=coordinator_a.user)
    compliance.save_assessment(
        assessment=assessment,
        actor=coordinator_a.user,
        assessed_on=timezone.localdate(),
        summary="总体有效",
        answers={
            item.code: (("not_met", "缺少复核记录", "") if item.pk == not_met.pk else ("met", "", ""))
            for item in StandardItem.objects.filter(active=True)
        },
        actions=[
            compliance.ActionInput(
                item_code=not_met.code,
                description="建立复核制度",
                owner="关务经理",
                due_on=timezone.localdate() + datetime.timedelta(days=30),
            )
        ],
        sign=True,
    )
    compliance.sign_assessment(assessment=assessment, actor=a.spare.user)
    improvement = ImprovementAction.objects.get(assessment=assessment)
    compliance.respond_to_action(
        action=improvement, actor=a.contact, answer="已建立", files=[pdf("plan.pdf")]
    )
    rotation = Rotation.objects.create(
        enterprise=a.enterprise,
        district_id=a.enterprise.district_id,
        coordinator=coordinator_a,
        serving_since=timezone.localdate() - datetime.timedelta(days=2000),
        limit_on=timezone.localdate() + datetime.timedelta(days=30),
        listed_on=timezone.localdate(),
    )
    notification = Notification.objects.filter(recipient=a.contact).order_by("pk").first()

    # Issue 13: an API token of A's contact person; a canned response of A's office; a saved view of
    # coordinator A's workspace; a credit-repair application of A with a document (made directly: A is
    # not untrustworthy, and making it so would change what its other pages show).
    api_token, _secret = tokens.create_token(user=a.contact, name="ERP", scopes=["read"])
    canned = CannedResponse.objects.create(
        office=w.office, title="预约现场核查", body="请在系统中预约。", created_by=w.officer
    )
    saved_filter = requests.save_filter(user=coordinator_a.user, name="逾期", query="overdue=1")
    repair = RepairApplication.objects.create(
        enterprise=a.enterprise, statement="已缴清罚款。", applied_by=a.contact
    )
    (checked,) = uploads.check_uploads([pdf("receipt.pdf")])
    RepairApplicationAttachment.from_checked(checked, uploaded_by=a.contact, application=repair)

    users = {
        "anonymous": None,
        "contact_a": a.contact,
        "staff_a": a.staff,
        "contact_b": contact_b,
        "coordinator_a": coordinator_a.user,
        "coordinator_b": coordinator_b.user,
        "coordinator_recused": recused.user,
        "officer_a": w.officer,
        "officer_other": w.foreign_officer,
        "manager_a": w.manager,
        "manager_other": w.other_manager,
        "administrator": admin,
    }
    for user in users.values():
        if user is not None:
            user.__dict__.pop("roles", None)
    ids = {
        "enterprise": a.enterprise.pk,
        "request": request.pk,
        "published_request": published.pk,
        "request_attachment": RequestAttachment.objects.filter(request=request)
        .values_list("pk", flat=True)
        .first(),
        "visit": visit.pk,
        "answer": answer.pk,
        "appeal": appeal.pk,
        "appeal_attachment": AppealAttachment.objects.filter(appeal=appeal)
        .values_list("pk", flat=True)
        .first(),
        "registration_change": change.pk,
        "self_examination": exam.pk,
        "session": session.pk,
        "registration": registration.pk,
        "material": material.pk,
        "announcement": announcement.pk,
        "calendar_token": getattr(token, "token", token),
        "coordinator": coordinator_a.pk,
        "visit_record": record.visit_id,
        "visit_attachment": VisitAttachment.objects.filter(record=record)
        .values_list("pk", flat=True)
        .first(),
        "referral": referral.pk,
        "notice": notice.pk,
        "assessment": assessment.pk,
        "improvement_action": improvement.pk,
        "action_file": ActionFile.objects.filter(response__action=improvement)
        .values_list("pk", flat=True)
        .first(),
        "rotation": rotation.pk,
        "department": department.pk,
        "spare": a.spare.pk,
        "notification": notification.pk if notification else 0,
        "uscc": a.enterprise.uscc,
        "site_visit": visit.pk,
        "credit_event": CreditEvent.objects.filter(enterprise=a.enterprise)
        .values_list("pk", flat=True)
        .first(),
        "api_token": api_token.pk,
        "canned_response": canned.pk,
        "saved_filter": saved_filter.pk,
        "registration_attachment": RegistrationChangeAttachment.objects.filter(change=change)
        .values_list("pk", flat=True)
        .first(),
        "repair_attachment": RepairApplicationAttachment.objects.filter(application=repair)
        .values_list("pk", flat=True)
        .first(),
        "evidence_file": SelfExaminationEvidence.objects.filter(answer__examination=exam)
        .values_list("pk", flat=True)
        .first(),
        "announcement_attachment": AnnouncementAttachment.objects.filter(announcement=announcement)
        .values_list("pk", flat=True)
        .first(),
    }
    return AccessWorld(world=w, users=users, ids=ids)
