"""Demo coordination requests (called by ``portal.demo.load``; idempotent).

For 北京华贸国际物流有限公司 (contact.bj / staff.bj; coordinator.bj + coordinator2.bj): a request in every
status, some overdue, a transferred one, a site visit, a thread with an internal note and an
attachment; requests of other enterprises; published answers in Chinese. Everything is made through
the services, with filing times in the past where the story needs it.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coordination import services
from coordination.models import CoordinationRequest, PublishedAnswer, ServiceType
from coordinators.models import Coordinator, PairAssignment
from enterprises.models import Enterprise
from portal.models import LocalCustoms, User

DEMO_ENTERPRISE = "北京华贸国际物流有限公司"
PDF = b"%PDF-1.4\n% Guanqi demo\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ANSWERS = [
    (
        ServiceType.CONSULTING,
        "出口退税申报时报关单信息不一致怎么办？",
        "某企业出口货物办理出口退税时，税务系统提示报关单电子信息与申报数据不一致，无法申报退税。",
        "请先在“单一窗口”核对报关单状态是否已结关、电子信息是否已传输税务部门；如报关单数据有误，应向申报地海关申请修改报关单，修改后系统重新传输，一般 1—2 个工作日后即可申报退税。",
    ),
    (
        ServiceType.DIFFICULT_PROBLEMS,
        "高级认证企业如何适用较低查验率？",
        "某企业已通过高级认证，但近期查验比例仍较高，希望了解便利措施的适用方式。",
        "高级认证企业适用较低的进出口货物平均查验率，需查验的货物可优先安排查验。如认为查验比例异常，可通过协调员反映，由企业管理部门会同风险防控部门核实。",
    ),
    (
        ServiceType.STANDARDS_GUIDANCE,
        "企业内部控制标准中的“进出口单证管理”如何准备？",
        "重新认证前，某企业希望了解单证保管期限和抽查方式。",
        "进出口单证应至少保存 3 年，建立单证复核和归档制度；认证时海关按比例抽查，建议企业按认证标准逐项开展自我评估并留存记录。",
    ),
    (
        ServiceType.CONSULTING,
        "加工贸易手册核销期限是多久？",
        "某企业加工贸易手册即将到期，咨询核销的时间要求。",
        "加工贸易企业应在手册有效期到期之日起或最后一批成品出口之日起 30 日内向海关报核；如有特殊情况需延期，应提前向主管海关申请。",
    ),
    (
        ServiceType.COOPERATION_GUIDANCE,
        "企业名称或地址变更后需要向海关办理什么手续？",
        "某企业已在市场监管部门办理了地址变更。",
        "企业登记信息发生变更的，应在变更之日起 30 日内向海关办理变更手续，可通过“单一窗口”在线提交；认证企业还应同步告知协调员。",
    ),
    (
        ServiceType.OTHER,
        "跨境电商零售出口退货如何办理退税调整？",
        "某企业跨境电商出口商品发生退货，咨询退税如何处理。",
        "已办理出口退税的商品退货的，企业应先向税务部门补缴已退税款，再向海关办理退货手续；海关凭税务部门出具的证明办理。",
    ),
]


def load(ctx) -> None:
    enterprise = Enterprise.objects.filter(name_zh=DEMO_ENTERPRISE).first()
    if enterprise is None or CoordinationRequest.objects.filter(enterprise=enterprise).exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["contact.bj", "staff.bj", "coordinator.bj", "coordinator2.bj", "officer.bj"]
        )
    }
    if len(users) < 5:
        return
    contact, staff, c1, c2 = (
        users["contact.bj"],
        users["staff.bj"],
        users["coordinator.bj"],
        users["coordinator2.bj"],
    )
    now = timezone.now()

    def ago(days: float, hours: float = 0) -> datetime.datetime:
        return now - datetime.timedelta(days=days, hours=hours)

    def file(
        subject,
        description,
        *,
        author=contact,
        service=ServiceType.CONSULTING,
        when=None,
        urgency="normal",
        files=(),
        target=enterprise,
    ):
        return services.file_request(
            enterprise=target,
            author=author,
            service_type=service,
            subject=subject,
            description=description,
            urgency=urgency,
            files=files,
            now=when or now,
        )

    # Submitted just now (with an attachment).
    file(
        "出口退税申报提示报关单信息不一致",
        "我司 11 月出口的一批电子元器件办理退税时，系统提示报关单电子信息与申报数据不一致，请协助核查。",
        files=[SimpleUploadedFile("报关单截图说明.pdf", PDF, content_type="application/pdf")],
    )
    # Accepted.
    r = file(
        "AEO 重新认证材料清单咨询",
        "我司高级认证将于明年到期，请问重新认证需要准备哪些材料？",
        service=ServiceType.STANDARDS_GUIDANCE,
        when=ago(1),
    )
    services.accept(request=r, actor=c1, now=ago(0, 20))
    # In progress, with a thread and an internal note.
    r = file(
        "进口冷链货物查验等待时间过长",
        "近一个月我司进口冷链货物平均查验等待超过 48 小时，影响货物品质，希望协调。",
        author=staff,
        service=ServiceType.DIFFICULT_PROBLEMS,
        urgency="urgent",
        when=ago(3),
    )
    services.post_message(
        request=r,
        author=c1,
        body="已收到，我们正在与查验科室核实排队情况，请提供近一个月的报关单号清单。",
        now=ago(2, 20),
    )
    services.post_message(
        request=r,
        author=c2,
        body="查验科反馈冷链专用查验台位近期检修，预计下周恢复。",
        internal=True,
        now=ago(2, 10),
    )
    services.post_message(
        request=r,
        author=staff,
        body="报关单号清单已整理，共 23 票，见附件。",
        now=ago(2, 5),
        files=[
            SimpleUploadedFile(
                "报关单清单.txt", "报关单号清单\n110120261000001\n".encode(), content_type="text/plain"
            )
        ],
    )
    # Awaiting the enterprise.
    r = file(
        "加工贸易手册核销数据差异",
        "手册核销时料件耗用数据与海关数据存在差异。",
        service=ServiceType.CONSULTING,
        when=ago(4),
    )
    services.post_message(request=r, author=c2, body="正在核对。", now=ago(3, 20))
    services.ask_for_information(
        request=r, actor=c2, question="请提供该手册项下全部出口成品的单耗申报表。", now=ago(3)
    )
    # Resolved (recent) and closed with a rating, both published.
    r = file(
        "企业地址变更后的海关手续",
        "我司注册地址已变更，需要向海关办理哪些手续？",
        service=ServiceType.COOPERATION_GUIDANCE,
        when=ago(6),
    )
    services.post_message(
        request=r, author=c1, body="请在“单一窗口”提交变更申请，我们会同步更新认证档案。", now=ago(5, 20)
    )
    services.resolve(
        request=r,
        actor=c1,
        summary="企业已在“单一窗口”提交地址变更，海关已审核通过并更新认证档案。",
        now=ago(2),
    )
    r = file("出口退税与报关单修改", "报关单申报数量有误导致无法退税，如何修改？", when=ago(12))
    services.post_message(request=r, author=c1, body="请提交报关单修改申请及相关证明材料。", now=ago(11, 20))
    services.resolve(
        request=r,
        actor=c1,
        summary="报关单已修改，电子信息已重新传输税务部门，企业已完成退税申报。",
        now=ago(9),
    )
    services.confirm_resolution(
        request=r, actor=contact, rating=5, comment="协调员响应及时，问题解决，谢谢！", now=ago(8)
    )
    services.publish_answer(
        request=r,
        actor=c1,
        title="报关单申报数量有误导致无法出口退税，如何处理？",
        question="某企业报关单申报数量有误，导致出口退税申报时数据不一致，无法退税。",
        answer="企业应向申报地海关提交报关单修改申请及证明材料；修改完成后电子信息重新传输税务部门，即可申报出口退税。",
    )
    # Rejected as outside scope; withdrawn.
    r = file("咨询商标注册事宜", "我司想注册新商标，请问如何办理？", service=ServiceType.OTHER, when=ago(10))
    services.reject(
        request=r,
        actor=c2,
        reason="商标注册属于知识产权管理部门职责，不在海关协调员服务范围内，请咨询国家知识产权局。",
        now=ago(9, 20),
    )
    r = file("查询进口关税税率", "请问某商品的进口关税税率。", when=ago(7))
    services.withdraw(request=r, actor=contact, reason="已通过 12360 热线查询到。", now=ago(6, 20))
    # Transferred to another local customs (pending: the first office stays responsible).
    chaoyang = LocalCustoms.objects.filter(code="0102").first()
    r = file(
        "朝阳区仓库进口货物属地查检",
        "我司朝阳区仓库的进口货物需要属地查检，请协调。",
        service=ServiceType.DIFFICULT_PROBLEMS,
        when=ago(2),
    )
    if chaoyang is not None:
        services.transfer(
            request=r, actor=c1, reason="属地查检由北京朝阳海关负责。", to_office=chaoyang, now=ago(1, 20)
        )
    # Overdue: filed weeks ago, nobody answered (first response and resolution overdue).
    file(
        "保税仓库货物延期存储申请",
        "我司保税仓库部分货物存储期即将届满，需申请延期，请指导。",
        service=ServiceType.CONSULTING,
        when=ago(25),
    )
    r = file(
        "AEO 企业通关便利措施落实问题",
        "我司作为高级认证企业，部分便利措施在口岸未能落实。",
        service=ServiceType.APPEALS,
        when=ago(30),
    )
    services.accept(request=r, actor=c2, now=ago(29))
    # A site visit decided on an in-progress request.
    r = file(
        "新建仓库监管条件核查",
        "我司新建保税仓库，申请海关现场核查监管条件。",
        service=ServiceType.COOPERATION_GUIDANCE,
        when=ago(2),
    )
    services.post_message(request=r, author=c1, body="我们将安排结对协调员到现场核查。", now=ago(1, 22))
    services.request_site_visit(request=r, actor=contact, note="请安排在工作日上午。", now=ago(1, 20))
    coordinators = list(Coordinator.objects.filter(user__in=[c1, c2]))
    if len(coordinators) == 2:
        services.schedule_site_visit(
            request=r,
            actor=c1,
            coordinators=coordinators,
            scheduled_for=now + datetime.timedelta(days=3, hours=2),
            place=enterprise.registered_address,
            purpose="核查新建保税仓库的监管条件和视频监控设施。",
        )

    _other_enterprises(now, ago, file)
    _published_answers(c1)


def _other_enterprises(now, ago, file) -> None:
    """A few requests of other advanced-certified enterprises with pairs (some overdue)."""
    pairs = list(
        PairAssignment.objects.active()
        .select_related("enterprise", "coordinator_a__user", "coordinator_b__user")
        .exclude(enterprise__name_zh=DEMO_ENTERPRISE)
        .order_by("enterprise_id")[:12]
    )
    for n, pair in enumerate(pairs):
        member = User.objects.filter(
            memberships__enterprise=pair.enterprise, memberships__ended_at__isnull=True
        ).first()
        if member is None:
            continue
        r = file(
            f"{['通关时效', '查验安排', '税款担保', '归类咨询'][n % 4]}问题咨询（{n + 1}）",
            "请协调员协助了解相关政策要求。",
            author=member,
            service=[ServiceType.CONSULTING, ServiceType.DIFFICULT_PROBLEMS, ServiceType.OPINIONS][n % 3],
            when=ago(2 + n * 3),
            target=pair.enterprise,
        )
        if n % 3 == 0:
            services.post_message(
                request=r, author=pair.coordinator_a.user, body="已收到，正在处理。", now=ago(1 + n * 3)
            )
        if n % 4 == 1:
            services.post_message(
                request=r, author=pair.coordinator_b.user, body="已协调相关科室。", now=ago(1 + n * 3)
            )
            services.resolve(
                request=r, actor=pair.coordinator_b.user, summary="问题已协调解决。", now=ago(n * 3 + 0.5)
            )


def _published_answers(author) -> None:
    for service_type, title, question, answer in ANSWERS:
        if PublishedAnswer.objects.filter(title=title).exists():
            continue
        services.publish_general_answer(
            actor=author, service_type=service_type, title=title, question=question, answer=answer
        )
