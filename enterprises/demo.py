"""Demo enterprises (called by portal.demo.load in layer order; idempotent): ~200 enterprises in three
districts with valid USCCs, their contact persons and staff (the demo enterprise's contact person
changed once, so the history shows a predecessor), and registration changes in every state, through
the same services the pages use."""

from __future__ import annotations

import datetime
from typing import cast

from django.utils import timezone

from enterprises import services
from enterprises.models import Enterprise, RegistrationChange
from portal.demo import DISTRICTS, person, user
from portal.demo_ids import make_customs_code, make_uscc
from portal.models import User

DEMO_ENTERPRISE = "北京华贸国际物流有限公司"

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


def _enterprises(ctx) -> None:
    """~200 enterprises with valid USCCs; ``ctx.rating_plan`` says which rating each ends with (the
    credit demo gives them a history across three regimes)."""
    serial = 0
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
            ctx.rating_plan[enterprise.pk] = final


def _enterprise_users(ctx) -> None:
    demo_enterprise = Enterprise.objects.get(name_zh="北京华贸国际物流有限公司")
    # The contact person changed once, so the history shows a predecessor.
    former = user(ctx, "former.contact.bj", "赵前任", [], phone="13800000000")
    services.designate_contact_person(enterprise=demo_enterprise, user=former, position="副总经理（关务）")
    contact = user(ctx, "contact.bj", "张经理", [], phone="13900000001")
    services.designate_contact_person(
        enterprise=demo_enterprise, user=contact, position="副总裁（分管关务）", keep_previous_as_staff=False
    )
    staff = user(ctx, "staff.bj", "刘关务", [], phone="13900000002")
    services.add_staff_member(enterprise=demo_enterprise, user=staff, position="关务专员")
    tianjin = cast(Enterprise, Enterprise.objects.filter(district__code="0200").order_by("pk").first())
    services.designate_contact_person(
        enterprise=tianjin,
        user=user(ctx, "contact.tj", "孙总", [], phone="13900000003"),
        position="副总经理",
    )
    # Every other enterprise has its designated contact person too (exactly one each).
    for enterprise in Enterprise.objects.exclude(pk__in=[demo_enterprise.pk, tianjin.pk]).order_by("pk"):
        member_user = user(
            ctx, f"cp.{enterprise.customs_code}", person(ctx), [], phone=f"139{enterprise.pk:08d}"
        )
        services.designate_contact_person(enterprise=enterprise, user=member_user, position="副总经理")


def load(ctx) -> None:
    if not Enterprise.objects.filter(name_zh=DEMO_ENTERPRISE).exists():
        _enterprises(ctx)
        _enterprise_users(ctx)
    ctx.enterprises = list(Enterprise.objects.order_by("pk"))
    enterprise = Enterprise.objects.get(name_zh=DEMO_ENTERPRISE)
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
