"""Demo coordinators (called by portal.demo.load after the enterprises and their credit; idempotent):
three to five per local customs with qualifications valid, lapsing soon or lapsed; the demo enterprise's
pair and a suggested pair for every other advanced-certified enterprise; one recusal; one
disqualification — all through the services the admin uses. Beijing's rotation policy (36 months, 24 of
cooling-off) and one rotation due for the manager to confirm (``load_rotation``, its own idempotent step)."""

from __future__ import annotations

import datetime
from typing import cast

from coordinators import services as coordination
from coordinators.models import (
    Coordinator,
    DisqualificationGround,
    PairAssignment,
    RecusalReason,
    RotationPolicy,
)
from credit.services import add_months
from enterprises.models import Enterprise
from portal.demo import person
from portal.demo import user as demo_user
from portal.models import District, LocalCustoms
from portal.roles import Role


def load(ctx) -> None:
    _coordinators(ctx)
    _rotation(ctx)


def _rotation(ctx) -> None:
    """Beijing limits a coordinator's service with one enterprise to three years; a Capital Airport
    coordinator has served an enterprise for two years and eleven months: the manager confirms the
    rotation on the dashboard's "Rotations due" page."""
    beijing = ctx.districts.get("0100") or District.objects.filter(code="0100").first()
    if beijing is None or RotationPolicy.objects.filter(district=beijing).exists():
        return
    RotationPolicy.objects.create(
        district=beijing, max_service_months=36, cooling_off_months=24, notice_days=60
    )
    pair = (
        PairAssignment.objects.active()
        .filter(enterprise__local_customs__code="0101")
        .exclude(enterprise__name_zh="北京华贸国际物流有限公司")
        .order_by("-enterprise_id")  # outreach's demo rebalances the first ones
        .first()
    )
    if pair is None:
        return
    since = add_months(ctx.today, -35)
    PairAssignment.objects.filter(pk=pair.pk).update(a_since=since, started_on=min(pair.started_on, since))
    coordination.list_rotations_due(today=ctx.today)


def _coordinators(ctx) -> None:
    if Coordinator.objects.exists():
        return
    airport = LocalCustoms.objects.get(code="0101")
    coordinators: list[Coordinator] = []
    serial = 0
    for office in ctx.offices:
        for k in range(3 if office.code != "0101" else 5):
            serial += 1
            if office.pk == airport.pk and k < 2:
                username = "coordinator.bj" if k == 0 else "coordinator2.bj"
                name = "王协调" if k == 0 else "李协调"
            elif office.code == "0102" and k == 0:
                username, name = "coordinator3.bj", "赵协调"
            else:
                username, name = f"coord.{office.code}.{k + 1}", person(ctx)
            user = demo_user(
                ctx, username, name, [Role.COORDINATOR], local_customs=office, phone=f"010-8{serial:07d}"
            )
            # Qualifications: most valid for years; some lapse within 30 days; two already lapsed.
            valid_until = ctx.today + datetime.timedelta(days=400 + serial * 20)
            if serial % 11 == 5:
                valid_until = ctx.today + datetime.timedelta(days=10 + serial % 20)
            if serial in (9, 23):
                valid_until = ctx.today - datetime.timedelta(days=15)
            coordinators.append(
                Coordinator.objects.create(
                    user=user,
                    local_customs=office,
                    certificate_number=f"AEO-QC-{2019 + serial % 5}-{serial:04d}",
                    qualification_valid_until=valid_until,
                )
            )
    manager = ctx.users["manager.bj"]
    demo_enterprise = Enterprise.objects.get(name_zh="北京华贸国际物流有限公司")
    pair = [c for c in coordinators if c.user.username in ("coordinator.bj", "coordinator2.bj")]
    coordination.assign_pair(
        enterprise=demo_enterprise,
        coordinators=pair,
        actor=manager,
        on=ctx.today - datetime.timedelta(days=200),
    )
    for enterprise in (
        Enterprise.objects.filter(rating__gets_coordinators=True)
        .exclude(pk=demo_enterprise.pk)
        .order_by("pk")
    ):
        # Each district's enterprises are paired by that district's manager where the demo has one,
        # else by the system (actor=None), as the demo loader may.
        coordination.assign_suggested_pair(
            enterprise=enterprise,
            actor=manager if enterprise.district_id == manager.district_id_for_scope else None,
            on=ctx.today - datetime.timedelta(days=120),
        )
    # One recusal: a coordinator of Chaoyang withdraws from an enterprise of their pair (former employment).
    chaoyang = cast(
        "Coordinator", Coordinator.objects.filter(local_customs__code="0102").order_by("pk").first()
    )
    pair_of = (
        coordination.PairAssignment.objects.active()
        .of_coordinator(chaoyang)
        .select_related("enterprise")
        .first()
    )
    if pair_of is not None:
        coordination.declare_recusal(
            coordinator=chaoyang,
            enterprise=pair_of.enterprise,
            reason=RecusalReason.FORMER_EMPLOYMENT,
            reason_text="2015—2018 年曾在该企业任关务主管",
            actor=manager,
        )
    # One disqualification: a Yizhuang coordinator, ground (5) unreasonable delay.
    yizhuang = cast(
        "Coordinator", Coordinator.objects.filter(local_customs__code="0103").order_by("pk").last()
    )
    coordination.disqualify(
        coordinator=yizhuang,
        ground=DisqualificationGround.NEGLECT_OR_DELAY,
        decided_on=ctx.today - datetime.timedelta(days=20),
        decided_by=manager,
        evidence="多次无正当理由拖延处理企业反映的通关难题（见督办单 2026-031、2026-044）",
    )
