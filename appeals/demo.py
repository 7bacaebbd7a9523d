"""Demo appeals (called by portal.demo; idempotent): Beijing Huamao's appeals in every status — one
overdue, so ``run_job appeal-escalation`` escalates it — and one integrity-channel appeal about its
coordinator (only the Management Department, ``manager.bj``, sees it in the admin)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from appeals import services
from appeals.models import Appeal
from coordinators.models import Coordinator
from enterprises.models import Enterprise
from portal.models import User

DEMO_MARK = "（演示）"


def load(ctx) -> None:

    enterprise = Enterprise.objects.filter(name_zh="北京华贸国际物流有限公司").first()
    contact = User.objects.filter(username="contact.bj").first()
    officer = ctx.users.get("officer.bj")
    if (
        enterprise is None
        or contact is None
        or Appeal.objects.filter(enterprise=enterprise, subject__endswith=DEMO_MARK).exists()
    ):
        return

    def file(appeal_type, subject, grounds, **kwargs):
        return services.file_appeal(
            enterprise=enterprise,
            author=contact,
            appeal_type=appeal_type,
            subject=subject + DEMO_MARK,
            grounds=grounds,
            **kwargs,
        )

    file("credit_decision", "对信用等级调整决定提出申诉", "认为调整决定所依据的违规次数统计有误，请求复核。")
    in_review = file("penalty", "对行政处罚决定提出申诉", "处罚金额计算依据的完税价格有误，附计算说明。")
    services.assign_appeal(appeal=in_review, officer=officer, actor=officer)
    forwarded = file("other_decision", "对暂停适用便利措施决定提出申诉", "企业已完成整改，请求恢复便利措施。")
    services.decide_appeal(
        appeal=forwarded, outcome="forwarded", reasons="涉及企业管理处职责，转企业管理处处理。", actor=officer
    )
    decided = file(
        "abnormal_list", "对列入异常名录提出申诉", "企业实际在登记地址经营，核查当日因搬迁暂停营业。"
    )
    services.decide_appeal(
        appeal=decided,
        outcome="partly_upheld",
        reasons="经复核，企业已恢复正常经营，准予移出异常名录；核查记录维持。",
        actor=officer,
    )
    overdue = file("penalty", "对补税决定提出申诉（已超期）", "补税所依据的归类意见与此前预裁定不一致。")
    long_ago = timezone.now() - datetime.timedelta(days=40)
    Appeal.objects.filter(pk=overdue.pk).update(
        filed_at=long_ago, due_at=long_ago + datetime.timedelta(days=20)
    )
    coordinator = Coordinator.objects.filter(user__username="coordinator.bj").first()
    if coordinator is not None:
        file(
            "coordinator_conduct",
            "反映协调员工作作风问题",
            "协调员多次无正当理由拖延处理我司反映的通关问题，并暗示通过指定中介办理认证辅导。",
            coordinator=coordinator,
        )
