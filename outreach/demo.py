"""Demo outreach (called by ``portal.demo.load`` after the other apps; idempotent).

- Training per district: a compliance-education session about 14 months ago and one about 2 months ago
  (customs business training for AEO enterprises, attendance recorded: most heads present, some absent
  or sent staff), and one in three weeks with registrations (contact.bj's head among them). So the
  report "AEO heads who missed training" has names, and the dashboard shows them.
- Announcements: the anti-intermediary warning to every district (important, read by only part of the
  enterprise users, so the unread report has names), a Decree 282 policy interpretation for AEO
  enterprises of Beijing, and a notice for Beijing's logistics enterprises.
- A workload imbalance at Capital Airport Customs: coordinator.bj takes over extra enterprises through
  the pair service, so the dashboard has an overloaded coordinator to flag and rebalance.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from coordinators.models import Coordinator, PairAssignment
from coordinators.services import assign_pair
from enterprises.models import Membership, MembershipRole
from outreach import services as outreach
from outreach.models import (
    Announcement,
    AnnouncementReceipt,
    TrainingInvitation,
    TrainingRegistration,
    TrainingSession,
)
from portal.models import District, User
from portal.roles import Role

WARNING_TITLE = "重要提醒：海关服务一律免费，谨防中介冒用海关名义收费"
WARNING_BODY = (
    "海关对企业的认证、协调员服务和各类咨询一律免费。海关不指定、不推荐、不支持任何中介机构开展所谓"
    "“认证辅导、培育、预验收”，凡以海关名义收取认证费用或兜售“包过”服务的均属虚假宣传。\n\n"
    "如有疑问，请通过本平台、协调员或 12360 海关热线直接咨询，无需经过任何中介。"
    "企业不得向海关工作人员赠送礼品或宴请，一经发现，企业信用等级立即下调，三年内不得再次申请。"
)
POLICY_TITLE = "《海关注册登记和备案企业信用管理办法》（署令第282号）政策解读"
POLICY_BODY = (
    "署令第282号自2026年4月1日起施行，企业信用等级调整为高级认证企业、认证企业、一般信用企业、失信企业和"
    "严重失信企业五档，其中高级认证企业和认证企业均属 AEO 企业。失信记录分为轻微、一般、严重三级。\n\n"
    "请各高级认证企业负责人对照新标准开展内部自查，及时报告注册信息变更并按时提交年度报告。"
)

NOTICE_TITLE = "关于物流企业舱单申报规范的通知"
NOTICE_BODY = "请各物流企业于本月底前完成舱单申报系统升级，并对照规范核对申报数据。"


def load(ctx) -> None:
    if TrainingSession.objects.filter(title__startswith="[演示]").exists():
        return
    admin = ctx.users.get("admin") or User.objects.get(username="admin")
    for district in District.objects.order_by("code"):
        manager = _district_manager(district)
        if manager is not None:
            _training(ctx, district, manager)
    _announcements(ctx, admin)
    _imbalance(ctx)


def _district_manager(district) -> User | None:
    return (
        User.objects.filter(
            groups__name=Role.MANAGER,
            department__district=district,
            department__is_management_department=True,
        )
        .order_by("pk")
        .first()
    )


def _heads(enterprise_ids) -> dict[int, Membership]:
    return {
        m.enterprise_id: m
        for m in Membership.objects.select_related("user").filter(
            enterprise_id__in=enterprise_ids, role=MembershipRole.CONTACT_PERSON, ended_at__isnull=True
        )
    }


def _past_session(ctx, district, manager, *, days_ago: int, title: str, present_share: int) -> None:
    """A session that took place: invitations through the service, registrations as historical records
    (the registration window closed long ago), attendance recorded through the service."""
    start = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) - datetime.timedelta(
        days=days_ago
    )
    session = outreach.create_training_session(
        actor=manager,
        title=title,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        capacity=300,
        district=district,
        place=f"{district.name_zh}业务大楼报告厅",
        aeo_only=True,
        description="AEO 企业合规教育：信用管理办法、认证标准、合作伙伴管理、反中介提醒。",
    )
    outreach.invite_audience(session=session, actor=manager)
    invited = list(
        TrainingInvitation.objects.filter(session=session)
        .order_by("enterprise_id")
        .values_list("enterprise_id", flat=True)
    )
    heads = _heads(invited)
    rows = []
    for n, enterprise_id in enumerate(invited):
        head = heads.get(enterprise_id)
        if head is None or n % 10 >= present_share:
            continue  # did not register
        rows.append(
            TrainingRegistration(
                session=session,
                enterprise_id=enterprise_id,
                district_id=session.district_id or head.district_id,
                attendee=head.user,
                attendee_name=head.user.display_name,
                attendee_position=head.position,
                is_head=True,
                registered_by=head.user,
                registered_at=start - datetime.timedelta(days=7),
            )
        )
    TrainingRegistration.objects.bulk_create(rows)
    for n, registration in enumerate(TrainingRegistration.objects.filter(session=session).order_by("pk")):
        outreach.record_attendance(registration=registration, actor=manager, present=n % 7 != 3)


def _training(ctx, district, manager) -> None:
    _past_session(
        ctx, district, manager, days_ago=420, title="[演示] 2025 年度 AEO 企业合规教育", present_share=9
    )
    _past_session(
        ctx,
        district,
        manager,
        days_ago=60,
        title="[演示] 署令第282号解读暨 AEO 企业合规教育",
        present_share=6,
    )
    start = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0) + datetime.timedelta(days=21)
    upcoming = outreach.create_training_session(
        actor=manager,
        title="[演示] 高级认证企业负责人海关业务培训（第二期）",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2, minutes=30),
        capacity=120,
        district=district,
        mode=TrainingSession.Mode.ONLINE,
        place="线上会议（链接见报名确认）",
        aeo_only=True,
        description="面向高级认证企业负责人：海关业务、信用修复、合作伙伴管理。",
    )
    outreach.invite_audience(session=upcoming, actor=manager)
    invited = list(
        TrainingInvitation.objects.filter(session=upcoming)
        .order_by("enterprise_id")
        .values_list("enterprise_id", flat=True)
    )
    heads = _heads(invited)
    for n, enterprise_id in enumerate(invited):
        head = heads.get(enterprise_id)
        if head is not None and (n % 3 == 0 or head.user.username == "contact.bj"):
            outreach.register_attendee(
                session=upcoming, enterprise=head.enterprise, actor=head.user, attendee=head.user
            )


def _announcements(ctx, admin) -> None:
    beijing = District.objects.get(code="0100")
    manager = _district_manager(beijing)
    warning = outreach.create_announcement(
        actor=admin,
        title=WARNING_TITLE,
        body=WARNING_BODY,
        kind=Announcement.Kind.ANTI_INTERMEDIARY,
        is_important=True,
    )
    outreach.create_announcement(
        actor=manager,
        title=POLICY_TITLE,
        body=POLICY_BODY,
        kind=Announcement.Kind.POLICY,
        district=beijing,
        aeo_only=True,
    )
    outreach.create_announcement(
        actor=manager,
        title=NOTICE_TITLE,
        body=NOTICE_BODY,
        kind=Announcement.Kind.NOTICE,
        district=beijing,
        industries=["logistics"],
    )
    # Two members in three have opened the warning; contact.bj has, staff.bj has not.
    members = Membership.objects.filter(ended_at__isnull=True).select_related("user").order_by("pk")
    receipts = [
        AnnouncementReceipt(
            announcement=warning, user=m.user, enterprise_id=m.enterprise_id, district_id=m.district_id
        )
        for n, m in enumerate(members)
        if (n % 3 != 2 or m.user.username == "contact.bj") and m.user.username != "staff.bj"
    ]
    AnnouncementReceipt.objects.bulk_create(receipts, ignore_conflicts=True)


def _imbalance(ctx) -> None:
    """coordinator.bj takes over up to five more airport enterprises (through ``assign_pair``)."""

    try:
        heavy = Coordinator.objects.select_related("local_customs").get(user__username="coordinator.bj")
    except Coordinator.DoesNotExist:
        return
    partner = (
        Coordinator.objects.assignable()
        .filter(local_customs=heavy.local_customs)
        .exclude(pk=heavy.pk)
        .exclude(user__username="coordinator2.bj")
        .order_by("pk")
        .first()
    )
    if partner is None:
        return
    theirs = (
        PairAssignment.objects.active()
        .filter(enterprise__local_customs=heavy.local_customs)
        .exclude(coordinator_a=heavy)
        .exclude(coordinator_b=heavy)
        .exclude(enterprise__recusals__coordinator=heavy)
        .select_related("enterprise")
        .order_by("enterprise_id")
    )
    for pair in list(theirs[:5]):
        assign_pair(
            enterprise=pair.enterprise,
            coordinators=[heavy, partner],
            actor=ctx.users.get("manager.bj"),
            on=ctx.today - datetime.timedelta(days=30),
        )
