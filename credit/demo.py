"""Demo rows for the credit jobs (called by portal.demo after the core; idempotent).

- Abnormal list: one Beijing enterprise listed 95 days ago (``run_job abnormal-list`` identifies it as
  untrustworthy and tells its members and coordinators), one listed 80 days ago (left alone), one
  removed with its cure.
- Annual reports for this year from every enterprise except a handful (``run_job annual-reports``, after
  30 June, lists those as candidates for an officer to confirm in the admin).
- A repair-eligible untrustworthy enterprise (login ``contact.repair``): found untrustworthy for unpaid
  fines 200 days ago, so it may apply in the portal's credit page.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from credit.models import (
    AbnormalListEntry,
    AnnualReport,
    CreditEvent,
    CreditEventReason,
    CreditRating,
    CreditRegime,
    SelfExamination,
    UntrustworthyCause,
)
from credit.services import apply_regime_change, record_credit_event, repair
from credit.services.self_examination import active_items, submit_self_examination
from enterprises import services as enterprise_services
from enterprises.models import Enterprise, Membership, MembershipRole
from portal.demo_ids import make_customs_code, make_uscc
from portal.models import LocalCustoms, User
from portal.roles import Role

REPAIR_USCC_SERIAL = 77_000_001
DEMO_ENTERPRISE = "北京华贸国际物流有限公司"

# (item code, judgement, evidence) that differ from "met" in each demo self-examination.
OLDER_GAPS = [
    ("IC3", "not_met", "内部审计制度未覆盖关务环节，2025 年未开展关务专项审计。"),
    ("IC4", "basically_met", "报关数据与 ERP 尚未自动对碰，每月人工核对。"),
    ("TS2", "basically_met", "新入职关务人员背景调查记录不全。"),
    ("TS4", "not_met", "未对境外承运商开展安全评估。"),
    ("CO5", "not_applicable", "本公司无需纳入外部信用评价的业务。"),
]
NEWER_GAPS = [
    ("IC4", "basically_met", "ERP 对碰功能已上线，历史数据迁移中，预计下季度完成。"),
    ("TS4", "basically_met", "已完成 12 家主要承运商评估，其余 5 家在进行中。"),
    ("CO5", "not_applicable", "本公司无需纳入外部信用评价的业务。"),
]


def _answers(gaps):
    answers = {item.code: ("met", "") for item in active_items()}
    for code, judgement, evidence in gaps:
        if code in answers:
            answers[code] = (judgement, evidence)
    return answers


def load(ctx) -> None:
    if ctx.rating_plan and not CreditEvent.objects.exists():
        _rating_history(ctx)
    _self_examinations(ctx)
    beijing = Enterprise.objects.filter(district__code="0100").exclude(name_zh="北京华贸国际物流有限公司")
    if not AbnormalListEntry.objects.filter(reason_text__startswith="[demo]").exists():
        officer = ctx.users.get("officer.bj")
        aeo = list(beijing.filter(rating__gets_coordinators=True).order_by("pk")[:1])
        regular = list(
            beijing.filter(rating__is_aeo=False, rating__is_untrustworthy=False).order_by("pk")[:2]
        )
        plan = [*aeo, *regular]
        for enterprise, days, removed in zip(plan, (95, 80, 200), (None, None, 100), strict=False):
            AbnormalListEntry.objects.create(
                enterprise=enterprise,
                reason="unreachable" if days != 200 else "annual_report",
                reason_text="[demo] 现场核查未发现企业，登记联系人无法联系"
                if days != 200
                else "[demo] 未按时报送年度信用报告",
                listed_on=ctx.today - datetime.timedelta(days=days),
                listed_by=officer,
                removed_on=ctx.today - datetime.timedelta(days=removed) if removed else None,
                removed_by=officer if removed else None,
                cure="企业已补报年度信用报告并经核实" if removed else "",
            )
    _annual_reports(ctx)
    _repair_eligible(ctx)


def _annual_reports(ctx) -> None:
    year = ctx.today.year
    if AnnualReport.objects.filter(year=year).exists():
        return
    contacts = dict(
        Membership.objects.filter(role="contact_person", ended_at__isnull=True).values_list(
            "enterprise_id", "user_id"
        )
    )
    districts = dict(Enterprise.objects.order_by("pk").values_list("pk", "district_id"))
    enterprises = list(districts)
    missing = set(enterprises[5::40])  # a handful miss the deadline
    reports = [
        AnnualReport(
            enterprise_id=pk,
            district_id=districts[pk],
            year=year,
            submitted_by_id=contacts[pk],
            submitted_at=datetime.datetime(year, 3, 1 + pk % 28, 10, tzinfo=datetime.UTC),
            import_export_value=1000 + pk * 37 % 90000,
            statement="经营正常，登记信息无变化",
        )
        for pk in enterprises
        if pk not in missing and pk in contacts
    ]
    AnnualReport.objects.bulk_create(reports, ignore_conflicts=True)


def _repair_eligible(ctx) -> None:
    uscc = make_uscc(REPAIR_USCC_SERIAL, "110105")
    if Enterprise.objects.filter(uscc=uscc).exists():
        return
    office = LocalCustoms.objects.get(code="0102")
    enterprise = Enterprise.objects.create(
        uscc=uscc,
        customs_code=make_customs_code(REPAIR_USCC_SERIAL % 10_000_000, "11"),
        name_zh="北京信修进出口贸易有限公司",
        name_en="Beijing Xinxiu Import & Export Trading Co., Ltd.",
        registered_address="北京市朝阳区信用路8号",
        district=office.district,
        local_customs=office,
        industry="trading",
        phone="010-65550008",
        email="customs@xinxiu.example.cn",
    )
    start = ctx.today - datetime.timedelta(days=400)
    record_credit_event(
        enterprise=enterprise,
        to_rating=CreditRating.objects.get(regime=CreditRegime.in_force_on(start), code="regular"),
        effective_date=start,
        reason=CreditEventReason.INITIAL,
    )
    found_on = ctx.today - datetime.timedelta(days=200)
    event = record_credit_event(
        enterprise=enterprise,
        to_rating=CreditRating.objects.get(regime=CreditRegime.in_force_on(found_on), code="untrustworthy"),
        effective_date=found_on,
        reason=CreditEventReason.DOWNGRADE,
        reason_text="罚款逾期未缴纳超过6个月",
        evidence="行政处罚决定书及催缴记录",
        actor=ctx.users.get("officer.bj"),
    )
    repair.record_cause(event=event, cause=UntrustworthyCause.FINES, actor=ctx.users.get("officer.bj"))
    user, _created = User.objects.get_or_create(
        username="contact.repair",
        defaults={
            "full_name": "钱经理",
            "password": ctx.password_hash,
            "email": "contact.repair@demo.guanqi.test",
            "phone": "13900000009",
        },
    )
    enterprise_services.designate_contact_person(
        enterprise=enterprise, user=user, position="副总经理（分管关务）"
    )
    user.groups.add(*Group.objects.filter(name=Role.CONTACT_PERSON))


def _rating_history(ctx) -> None:
    """Each demo enterprise's credit history across Decrees 237, 251 and 282 (through the service)."""
    regimes = {r.code: r for r in CreditRegime.objects.all()}
    ratings = {(r.regime.code, r.code): r for r in CreditRating.objects.select_related("regime")}
    by_pk = {e.pk: e for e in ctx.enterprises}
    plan = [(by_pk[pk], final) for pk, final in ctx.rating_plan.items()]
    # 2019: initial ratings under Decree 237.
    for n, (enterprise, final) in enumerate(plan):
        start = datetime.date(2019, 1, 10) + datetime.timedelta(days=n % 300)
        initial = {"advanced_certified": "advanced_certified", "certified": "general_certified"}.get(
            final, "general_credit"
        )
        reason = CreditEventReason.CERTIFICATION if initial != "general_credit" else CreditEventReason.INITIAL
        record_credit_event(
            enterprise=enterprise,
            to_rating=ratings[("decree-237", initial)],
            effective_date=start,
            reason=reason,
            reason_text="2019 年信用等级认定",
        )
    apply_regime_change(regimes["decree-251"])
    # 2021-11 .. 2022-06: re-certification of advanced enterprises under Decree 251 (5-year cycle), so
    # that today some are overdue and others fall due within 30, 90 and 180 days.
    advanced = [e for e, final in plan if final == "advanced_certified"]
    for n, enterprise in enumerate(advanced):
        recert = datetime.date(2021, 11, 2) + datetime.timedelta(days=(n * 5) % 220)
        record_credit_event(
            enterprise=enterprise,
            to_rating=ratings[("decree-251", "advanced_certified")],
            effective_date=recert,
            reason=CreditEventReason.RECERTIFICATION,
            reason_text="海关高级认证企业重新认证",
            evidence="现场认证报告",
        )
    for n, (enterprise, final) in enumerate(plan):
        if final in ("untrustworthy", "seriously_untrustworthy"):
            record_credit_event(
                enterprise=enterprise,
                to_rating=ratings[("decree-251", "untrustworthy")],
                effective_date=datetime.date(2023, 3, 1) + datetime.timedelta(days=n % 400),
                reason=CreditEventReason.DOWNGRADE,
                reason_text="欠缴税款超过3个月",
                evidence="税款催缴记录",
            )
    apply_regime_change(regimes["decree-282"])
    for n, (enterprise, final) in enumerate(plan):
        on = datetime.date(2026, 5, 1) + datetime.timedelta(days=n % 150)
        if final == "certified":
            record_credit_event(
                enterprise=enterprise,
                to_rating=ratings[("decree-282", "certified")],
                effective_date=on,
                reason=CreditEventReason.CERTIFICATION,
                reason_text="认证企业认证",
                evidence="认证报告",
            )
        elif final == "seriously_untrustworthy":
            gift = n % 2 == 0
            record_credit_event(
                enterprise=enterprise,
                to_rating=ratings[("decree-282", "seriously_untrustworthy")],
                effective_date=on,
                reason=CreditEventReason.GIFT_RULE if gift else CreditEventReason.DOWNGRADE,
                reason_text="向海关工作人员赠送礼品" if gift else "走私违法",
                evidence="稽查处处理决定书",
            )
    for enterprise in ctx.enterprises:
        enterprise.refresh_from_db()


def _self_examinations(ctx) -> None:
    """The demo enterprise's two self-examinations and a few others of its office: one with gaps, one
    without, the rest never self-examined — so the officers' overview shows every status."""
    enterprise = Enterprise.objects.filter(name_zh=DEMO_ENTERPRISE).first()
    contact = User.objects.filter(username="contact.bj").first()
    if enterprise is None or contact is None:
        return
    now = timezone.now()
    if not SelfExamination.objects.filter(enterprise=enterprise).exists():
        older = submit_self_examination(
            enterprise=enterprise, submitted_by=contact, answers=_answers(OLDER_GAPS)
        )
        SelfExamination.objects.filter(pk=older.pk).update(submitted_at=now - datetime.timedelta(days=180))
        submit_self_examination(enterprise=enterprise, submitted_by=contact, answers=_answers(NEWER_GAPS))

    # A few other AEO enterprises of the same local customs: one with gaps, one without, the rest never
    # self-examined — so the officers' overview shows every status.
    others = list(
        Enterprise.objects.filter(local_customs=enterprise.local_customs, rating__is_aeo=True)
        .exclude(pk=enterprise.pk)
        .order_by("pk")[:2]
    )
    for n, other in enumerate(others):
        if SelfExamination.objects.filter(enterprise=other).exists():
            continue
        member = (
            Membership.objects.select_related("user")
            .filter(enterprise=other, role=MembershipRole.CONTACT_PERSON, ended_at__isnull=True)
            .first()
        )
        if member is None:
            continue
        exam = submit_self_examination(
            enterprise=other, submitted_by=member.user, answers=_answers(OLDER_GAPS[:2] if n == 0 else [])
        )
        SelfExamination.objects.filter(pk=exam.pk).update(
            submitted_at=now - datetime.timedelta(days=40 + n * 20)
        )
