"""Demo compliance assessments (called by ``portal.demo.load`` after coordination; idempotent).

北京华贸国际物流有限公司 (contact.bj; coordinator.bj + coordinator2.bj): an assessment signed by both
coordinators two months ago, one item not met, its improvement action open for the contact person to
answer. Another enterprise of coordinator.bj's pairs: a draft, half judged, for coordinator.bj to finish.
Everything goes through the services; the daily job's schedules are seeded as the job would.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from compliance import reminders, services
from compliance.models import Assessment
from coordinators.models import Coordinator, PairAssignment
from enterprises.models import Enterprise

DEMO_ENTERPRISE = "北京华贸国际物流有限公司"


def load(ctx) -> None:
    enterprise = Enterprise.objects.filter(name_zh=DEMO_ENTERPRISE).first()
    if enterprise is None or Assessment.objects.filter(enterprise=enterprise).exists():
        return
    pair = services.current_pair(enterprise)
    if pair is None:
        return
    c1, c2 = pair.coordinator_a.user, pair.coordinator_b.user
    if c1.username != "coordinator.bj":
        c1, c2 = c2, c1
    items = services.active_items()
    if len(items) < 3:
        return
    now = timezone.now()
    then = now - datetime.timedelta(days=60)
    gap = items[1]
    answers = {item.code: ("met", "", "") for item in items}
    answers[items[4].code] = ("basically_met", "账簿与报关数据核对频次为季度，建议改为月度。", "")
    answers[gap.code] = (
        "not_met",
        "抽查 2025 年 10 月 20 份进口报关单，4 份缺少单证复核人签字。",
        "企业自查评定为“达标”。",
    )
    assessment = services.start_assessment(enterprise=enterprise, actor=c1, now=then)
    services.save_assessment(
        assessment=assessment,
        actor=c1,
        assessed_on=timezone.localtime(then).date(),
        summary="内部控制总体有效；进出口单证复核制度执行不到位，需整改。",
        answers=answers,
        actions=[
            services.ActionInput(
                item_code=gap.code,
                description="完善报关单证复核制度：每票报关单由复核人签字确认，并对关务人员开展一次专项培训。",
                owner="关务经理（联络员）",
                due_on=timezone.localdate() + datetime.timedelta(days=20),
            )
        ],
        sign=True,
        now=then,
    )
    services.sign_assessment(assessment=assessment, actor=c2, now=then + datetime.timedelta(hours=3))

    # A draft of another enterprise of coordinator.bj's pairs, for coordinator.bj to finish.
    coordinator = Coordinator.objects.filter(user=c1).first()
    other_pair = (
        PairAssignment.objects.active()
        .of_coordinator(coordinator)
        .exclude(enterprise=enterprise)
        .select_related("enterprise")
        .order_by("enterprise__name_zh")
        .first()
    )
    if other_pair is not None and not Assessment.objects.filter(enterprise=other_pair.enterprise).exists():
        draft = services.start_assessment(enterprise=other_pair.enterprise, actor=c1, now=now)
        services.save_assessment(
            assessment=draft,
            actor=c1,
            assessed_on=timezone.localdate(),
            summary="",
            answers={item.code: ("met", "", "") for item in items[: len(items) // 2]},
            now=now,
        )
    reminders.seed_schedules()
