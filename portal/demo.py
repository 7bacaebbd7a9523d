"""Demo data for ``make run``: realistic, deterministic and idempotent.

Beijing, Tianjin and Shenzhen districts with three local customs each; ~30 coordinators (some with a
qualification about to lapse or lapsed, one recusal, one disqualified); ~200 enterprises with valid USCCs
across all ratings, each with a history of credit events under Decrees 237 → 251 → 282; pairs assigned
through the same services the admin uses. A second run finds the data and changes nothing.

Apps add their own demo rows in ``<app>/demo.py`` (a ``load(ctx)`` function), called after the core.
"""

from __future__ import annotations

import datetime
import importlib
import random
from dataclasses import dataclass, field
from typing import cast

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from portal.demo_ids import make_customs_code, make_uscc
from portal.models import Department, District, LocalCustoms, User
from portal.roles import Role

PASSWORD = "guanqi-demo-2026"
EXTENSIONS = [
    "enterprises.demo",
    "credit.demo",
    "coordinators.demo",
    "appeals.demo",
    "enterprises.demo_outreach",
]

DISTRICTS = [
    (
        "0100",
        "北京海关",
        "Beijing Customs",
        "110105",
        [
            ("0101", "首都机场海关", "Capital Airport Customs"),
            ("0102", "北京朝阳海关", "Beijing Chaoyang Customs"),
            ("0103", "北京亦庄海关", "Beijing Yizhuang Customs"),
        ],
    ),
    (
        "0200",
        "天津海关",
        "Tianjin Customs",
        "120116",
        [
            ("0201", "天津新港海关", "Tianjin Xingang Customs"),
            ("0202", "天津东疆海关", "Tianjin Dongjiang Customs"),
            ("0203", "天津机场海关", "Tianjin Airport Customs"),
        ],
    ),
    (
        "5300",
        "深圳海关",
        "Shenzhen Customs",
        "440300",
        [
            ("5301", "皇岗海关", "Huanggang Customs"),
            ("5302", "蛇口海关", "Shekou Customs"),
            ("5303", "深圳湾海关", "Shenzhen Bay Customs"),
        ],
    ),
]
DEPARTMENTS = [
    ("企业管理处", "Enterprise Management Office", True),
    ("监管处", "Supervision Department", False),
    ("稽查处", "Inspection Department", False),
    ("风险防控处", "Risk Control Department", False),
    ("统计分析处", "Statistics Department", False),
    ("办公室", "General Office", False),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "建华",
    "志强",
    "海燕",
    "晓东",
]
COMPANY_WORDS = [
    "华贸",
    "中远",
    "海航",
    "京东",
    "联想",
    "顺丰",
    "比亚迪",
    "中兴",
    "招商",
    "华润",
    "津港",
    "渤海",
    "鹏城",
    "前海",
    "亦庄",
    "航空",
    "国际",
    "电子",
    "精密",
    "物流",
]
COMPANY_KINDS = [
    ("国际物流有限公司", "International Logistics Co., Ltd."),
    ("电子科技有限公司", "Electronics Technology Co., Ltd."),
    ("进出口贸易有限公司", "Import & Export Trading Co., Ltd."),
    ("精密制造有限公司", "Precision Manufacturing Co., Ltd."),
    ("报关服务有限公司", "Customs Brokerage Co., Ltd."),
    ("跨境电商有限公司", "Cross-border E-commerce Co., Ltd."),
]
INDUSTRIES = [
    "logistics",
    "manufacturing",
    "trading",
    "manufacturing",
    "customs_broker",
    "cross_border_ecommerce",
]

DEMO_LOGINS = [
    ("admin", Role.ADMINISTRATOR, "系统管理员 / administrator"),
    ("manager.bj", Role.MANAGER, "北京海关企业管理处 / Beijing Management Department"),
    (
        "officer.bj",
        Role.CUSTOMS_OFFICER,
        "首都机场海关 关员（科长） / Capital Airport Customs officer and office leader",
    ),
    ("coordinator.bj", Role.COORDINATOR, "首都机场海关 协调员 / coordinator"),
    ("coordinator2.bj", Role.COORDINATOR, "首都机场海关 协调员（结对） / coordinator, pair partner"),
    ("contact.bj", Role.CONTACT_PERSON, "北京华贸国际物流有限公司 联络员 / contact person"),
    ("staff.bj", Role.ENTERPRISE_STAFF, "北京华贸国际物流有限公司 员工 / enterprise staff"),
    ("contact.tj", Role.CONTACT_PERSON, "天津 enterprise contact person (another enterprise)"),
    (
        "contact.repair",
        Role.CONTACT_PERSON,
        "失信企业联络员，可申请信用修复 / untrustworthy enterprise, eligible for repair",
    ),
]


@dataclass
class DemoContext:
    today: datetime.date
    rng: random.Random
    password_hash: str
    districts: dict[str, District] = field(default_factory=dict)
    offices: list[LocalCustoms] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    enterprises: list = field(default_factory=list)
    created: bool = False


def demo_logins() -> list[tuple[str, str, str]]:
    return [(username, str(Role(role).label), note) for username, role, note in DEMO_LOGINS]


def load(stdout=None) -> DemoContext:
    ctx = DemoContext(
        today=timezone.localdate(), rng=random.Random(20261125), password_hash=make_password(PASSWORD)
    )
    with transaction.atomic():
        if (
            District.objects.filter(code="0100").exists()
            and User.objects.filter(username="contact.bj").exists()
        ):
            _reload_context(ctx)
        else:
            ctx.created = True
            _organisation(ctx)
            _staff(ctx)
            _enterprises(ctx)
            _coordinators_and_pairs(ctx)
            _enterprise_users(ctx)
    for module_name in EXTENSIONS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        with transaction.atomic():
            module.load(ctx)
    return ctx


def _reload_context(ctx: DemoContext) -> None:
    from enterprises.models import Enterprise

    ctx.districts = {d.code: d for d in District.objects.all()}
    ctx.offices = list(LocalCustoms.objects.order_by("code"))
    ctx.users = {
        u.username: u for u in User.objects.filter(username__in=[login for login, _r, _n in DEMO_LOGINS])
    }
    ctx.enterprises = list(Enterprise.objects.order_by("pk"))


def _user(ctx: DemoContext, username: str, full_name: str, roles: list[str], **extra) -> User:
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "password": ctx.password_hash,
            "email": f"{username}@demo.guanqi.test",
            **extra,
        },
    )
    if roles:
        user.groups.add(*Group.objects.filter(name__in=roles))
    ctx.users[username] = user
    return user


def _person(ctx: DemoContext) -> str:
    return ctx.rng.choice(SURNAMES) + ctx.rng.choice(GIVEN)


def _organisation(ctx: DemoContext) -> None:
    for code, zh, en, _region, offices in DISTRICTS:
        district = District.objects.create(code=code, name_zh=zh, name_en=en)
        ctx.districts[code] = district
        for dzh, den, is_mgmt in DEPARTMENTS:
            Department.objects.create(
                district=district, name_zh=dzh, name_en=den, is_management_department=is_mgmt
            )
        for ocode, ozh, oen in offices:
            ctx.offices.append(
                LocalCustoms.objects.create(district=district, code=ocode, name_zh=ozh, name_en=oen)
            )


def _staff(ctx: DemoContext) -> None:
    bj = ctx.districts["0100"]
    airport = LocalCustoms.objects.get(code="0101")
    _user(ctx, "admin", "系统管理员", [Role.ADMINISTRATOR], is_staff=True, is_superuser=True)
    mgmt = Department.objects.get(district=bj, is_management_department=True)
    _user(
        ctx,
        "manager.bj",
        "郑主任",
        [Role.MANAGER, Role.CUSTOMS_OFFICER],
        is_staff=True,
        department=mgmt,
        local_customs=airport,
    )
    officer = _user(ctx, "officer.bj", "林科长", [Role.CUSTOMS_OFFICER], is_staff=True, local_customs=airport)
    for office in ctx.offices:
        if office.pk == airport.pk:
            leader = officer
        else:
            leader = _user(
                ctx,
                f"leader.{office.code}",
                _person(ctx) + "（科长）",
                [Role.CUSTOMS_OFFICER],
                is_staff=True,
                local_customs=office,
            )
        office.leader = leader
        office.save(update_fields=["leader"])
    for code in ("0200", "5300"):
        district = ctx.districts[code]
        dept = Department.objects.get(district=district, is_management_department=True)
        first_office = LocalCustoms.objects.filter(district=district).order_by("code").first()
        _user(
            ctx,
            f"manager.{code}",
            _person(ctx) + "（主任）",
            [Role.MANAGER, Role.CUSTOMS_OFFICER],
            is_staff=True,
            department=dept,
            local_customs=first_office,
        )


def _enterprises(ctx: DemoContext) -> None:
    """~200 enterprises, rated through the credit service with a history across three regimes."""
    from credit.models import CreditEventReason, CreditRating, CreditRegime
    from credit.services import apply_regime_change, record_credit_event
    from enterprises.models import Enterprise

    regimes = {r.code: r for r in CreditRegime.objects.all()}
    ratings = {(r.regime.code, r.code): r for r in CreditRating.objects.select_related("regime")}
    serial = 0
    plan: list[tuple[Enterprise, str]] = []
    for code, _zh, _en, region, _offices in DISTRICTS:
        offices = [o for o in ctx.offices if o.district_id == ctx.districts[code].pk]
        for i in range(67):
            serial += 1
            word = COMPANY_WORDS[(serial * 7) % len(COMPANY_WORDS)]
            kind_zh, kind_en = COMPANY_KINDS[serial % len(COMPANY_KINDS)]
            city_zh = {"0100": "北京", "0200": "天津", "5300": "深圳"}[code]
            city_en = {"0100": "Beijing", "0200": "Tianjin", "5300": "Shenzhen"}[code]
            if code == "0100" and i == 0:
                name_zh, name_en, industry = (
                    "北京华贸国际物流有限公司",
                    "Beijing Huamao International Logistics Co., Ltd.",
                    "logistics",
                )
            else:
                name_zh = f"{city_zh}{word}{serial:03d}{kind_zh}"
                name_en = f"{city_en} {word} {serial:03d} {kind_en}"
                industry = INDUSTRIES[serial % len(INDUSTRIES)]
            enterprise = Enterprise.objects.create(
                uscc=make_uscc(10_000_000 + serial * 97, region),
                customs_code=make_customs_code(serial, code[:2]),
                name_zh=name_zh,
                name_en=name_en,
                registered_address=f"{city_zh}市测试区示范路{serial}号",
                district=ctx.districts[code],
                local_customs=offices[i % len(offices)],
                industry=industry,
                is_listed=serial % 9 == 0,
                employees=50 + (serial * 37) % 5000,
                premises=f"{1 + serial % 4} 处经营场所，{1000 + serial * 13 % 20000} 平方米",
                phone=f"010-{6500_0000 + serial}",
                email=f"customs{serial}@enterprise{serial}.example.cn",
            )
            ctx.enterprises.append(enterprise)
            # Rating plan under Decree 282 at the end: advanced 40%, certified 12%, regular 33%,
            # untrustworthy 10%, seriously untrustworthy 5%. The demo contact person's is advanced.
            roll = 0 if (code == "0100" and i == 0) else ctx.rng.random()
            final = (
                "advanced_certified"
                if roll < 0.40
                else "certified"
                if roll < 0.52
                else "regular"
                if roll < 0.85
                else "untrustworthy"
                if roll < 0.95
                else "seriously_untrustworthy"
            )
            plan.append((enterprise, final))

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


def _coordinators_and_pairs(ctx: DemoContext) -> None:
    from coordinators import services as coordination
    from coordinators.models import Coordinator, DisqualificationGround, RecusalReason
    from enterprises.models import Enterprise

    airport = LocalCustoms.objects.get(code="0101")
    coordinators: list[Coordinator] = []
    serial = 0
    for office in ctx.offices:
        for k in range(3 if office.code != "0101" else 5):
            serial += 1
            if office.pk == airport.pk and k < 2:
                username = "coordinator.bj" if k == 0 else "coordinator2.bj"
                name = "王协调" if k == 0 else "李协调"
            else:
                username, name = f"coord.{office.code}.{k + 1}", _person(ctx)
            user = _user(
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
        coordination.assign_suggested_pair(
            enterprise=enterprise, actor=manager, on=ctx.today - datetime.timedelta(days=120)
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


def _enterprise_users(ctx: DemoContext) -> None:
    from enterprises import services
    from enterprises.models import Enterprise

    demo_enterprise = Enterprise.objects.get(name_zh="北京华贸国际物流有限公司")
    # The contact person changed once, so the history shows a predecessor.
    former = _user(ctx, "former.contact.bj", "赵前任", [], phone="13800000000")
    services.designate_contact_person(enterprise=demo_enterprise, user=former, position="副总经理（关务）")
    contact = _user(ctx, "contact.bj", "张经理", [], phone="13900000001")
    services.designate_contact_person(
        enterprise=demo_enterprise, user=contact, position="副总裁（分管关务）", keep_previous_as_staff=False
    )
    staff = _user(ctx, "staff.bj", "刘关务", [], phone="13900000002")
    services.add_staff_member(enterprise=demo_enterprise, user=staff, position="关务专员")
    tianjin = cast(Enterprise, Enterprise.objects.filter(district__code="0200").order_by("pk").first())
    services.designate_contact_person(
        enterprise=tianjin,
        user=_user(ctx, "contact.tj", "孙总", [], phone="13900000003"),
        position="副总经理",
    )
    # Every other enterprise has its designated contact person too (exactly one each).
    for enterprise in Enterprise.objects.exclude(pk__in=[demo_enterprise.pk, tianjin.pk]).order_by("pk"):
        user = _user(ctx, f"cp.{enterprise.customs_code}", _person(ctx), [], phone=f"139{enterprise.pk:08d}")
        services.designate_contact_person(enterprise=enterprise, user=user, position="副总经理")
