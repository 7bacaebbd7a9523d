"""Demo rows of the enterprise core (called by portal.demo.load after the core data): registration
changes and self-examinations, through the same services the pages use. Idempotent: a second run finds
the rows and adds nothing."""

from __future__ import annotations

import datetime

from django.utils import timezone

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
    from credit.selfexam import active_items

    answers = {item.code: ("met", "") for item in active_items()}
    for code, judgement, evidence in gaps:
        if code in answers:
            answers[code] = (judgement, evidence)
    return answers


def load(ctx) -> None:
    from credit.models import SelfExamination
    from credit.selfexam import submit_self_examination
    from enterprises import services
    from enterprises.models import Enterprise, Membership, MembershipRole, RegistrationChange
    from portal.models import User

    enterprise = Enterprise.objects.filter(name_zh=DEMO_ENTERPRISE).first()
    if enterprise is None:
        return
    contact = User.objects.get(username="contact.bj")
    officer = User.objects.get(username="officer.bj")
    now = timezone.now()

    if not RegistrationChange.objects.filter(enterprise=enterprise).exists():
        decided = services.submit_registration_change(
            enterprise=enterprise,
            submitted_by=contact,
            new_values={"phone": "010-6455 8800"},
            note="公司总机号码变更",
        )
        services.decide_registration_change(change=decided, actor=officer, accept=True, note="已电话核实")
        RegistrationChange.objects.filter(pk=decided.pk).update(
            submitted_at=now - datetime.timedelta(days=62), decided_at=now - datetime.timedelta(days=60)
        )
        rejected = services.submit_registration_change(
            enterprise=enterprise,
            submitted_by=contact,
            new_values={"name_en": "Huamao Global Logistics (Beijing) Co., Ltd."},
            note="英文名称调整",
        )
        services.decide_registration_change(
            change=rejected,
            actor=officer,
            accept=False,
            note="英文名称须与营业执照备案一致，请先办理工商变更。",
        )
        RegistrationChange.objects.filter(pk=rejected.pk).update(
            submitted_at=now - datetime.timedelta(days=30), decided_at=now - datetime.timedelta(days=28)
        )
        enterprise.refresh_from_db()
        services.submit_registration_change(
            enterprise=enterprise,
            submitted_by=contact,
            new_values={
                "registered_address": "北京市顺义区天竺综合保税区天柱路 18 号",
                "employees": (enterprise.employees or 0) + 40,
            },
            note="公司注册地址迁至天竺综合保税区，附新营业执照。",
        )

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
