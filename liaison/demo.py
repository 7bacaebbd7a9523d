"""Demo liaison (called by ``portal.demo.load``; idempotent): Beijing's Risk Control Department names
``liaison.bj`` its liaison officer; coordinator.bj has referred a question about the demo enterprise's
open request, waiting for the answer; a department notice about a new measure reached the Capital
Airport coordinators."""

from __future__ import annotations

from coordination.models import CoordinationRequest, RequestStatus
from liaison import services
from liaison.models import LiaisonOfficer
from portal.demo import user as demo_user
from portal.models import Department, LocalCustoms, User
from portal.roles import Role


def load(ctx) -> None:
    department = Department.objects.filter(district__code="0100", name_zh="风险防控处").first()
    manager = User.objects.filter(username="manager.bj").first()
    if department is None or manager is None or LiaisonOfficer.objects.filter(department=department).exists():
        return
    liaison = demo_user(
        ctx, "liaison.bj", "周联络", [Role.CUSTOMS_OFFICER], is_staff=True, department=department
    )
    services.name_liaison_officer(department=department, user=liaison, actor=manager)
    coordinator = User.objects.filter(username="coordinator.bj").first()
    request = (
        CoordinationRequest.objects.filter(
            enterprise__name_zh="北京华贸国际物流有限公司",
            status__in=[RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS],
        )
        .order_by("pk")
        .first()
    )
    if coordinator is not None and request is not None:
        services.refer(
            request=request,
            department=department,
            question="企业反映近期查验比例偏高，请风险防控处核实该企业是否在布控名单内及原因。",
            actor=coordinator,
        )
    airport = LocalCustoms.objects.filter(code="0101").first()
    if airport is not None and airport.coordinators.exists():
        services.publish_notice(
            department=department,
            kind="measure",
            title="关于优化高级认证企业查验作业的新措施",
            body="自下月起，高级认证企业需查验的货物优先安排查验，协调员请向所服务企业宣讲。",
            offices=[airport],
            actor=liaison,
        )
