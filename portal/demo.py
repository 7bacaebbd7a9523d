"""Demo data for ``make run``: realistic, deterministic and idempotent.

Beijing, Tianjin and Shenzhen districts with three local customs each; ~30 coordinators (some with a
qualification about to lapse or lapsed, one recusal, one disqualified); ~200 enterprises with valid USCCs
across all ratings, each with a history of credit events under Decrees 237 → 251 → 282; pairs assigned
through the same services the admin uses. A second run finds the data and changes nothing.

This module creates the organisation and the customs staff; every app adds its own rows in
``<app>/demo.py`` (a ``load(ctx)`` function, idempotent by itself), called in the apps' layer order:
enterprises, their credit history, coordinators and pairs, requests, appeals, outreach.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import random
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from portal.models import Department, District, LocalCustoms, User
from portal.roles import Role

PASSWORD = "guanqi-demo-2026"

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
    (
        "officer2.bj",
        Role.CUSTOMS_OFFICER,
        "北京朝阳海关 关员（科长），接收转办 / Chaoyang Customs officer, accepts transfers",
    ),
    (
        "coordinator3.bj",
        Role.COORDINATOR,
        "北京朝阳海关 协调员，接收转办 / Chaoyang coordinator, accepts transfers",
    ),
    ("liaison.bj", Role.CUSTOMS_OFFICER, "北京海关风险防控处 联络员 / Risk Control liaison officer"),
    ("contact.bj", Role.CONTACT_PERSON, "北京华贸国际物流有限公司 企业联系人 / contact person"),
    ("staff.bj", Role.ENTERPRISE_STAFF, "北京华贸国际物流有限公司 员工 / enterprise staff"),
    ("contact.tj", Role.CONTACT_PERSON, "天津 enterprise contact person (another enterprise)"),
    (
        "contact.repair",
        Role.CONTACT_PERSON,
        "失信企业联系人，可申请信用修复 / untrustworthy enterprise, eligible for repair",
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
    rating_plan: dict = field(default_factory=dict)  # enterprise id -> final rating code
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
    # Each app adds its rows after the apps below it (INSTALLED_APPS lists them in layer order).
    for config in apps.get_app_configs():
        module_name = f"{config.name}.demo"
        if config.name == "portal" or importlib.util.find_spec(module_name) is None:
            continue
        with transaction.atomic():
            importlib.import_module(module_name).load(ctx)
    _second_factors()
    return ctx


def _second_factors() -> None:
    """The demo staff sign in with the documented demo TOTP key (``manage.py demo_code USERNAME`` prints
    the current code; README.md). Demo data only: real staff enrol their own authenticator."""
    from portal.security import give_demo_device, needs_second_factor

    for account in User.objects.filter(username__in=[login for login, _r, _n in DEMO_LOGINS]):
        if needs_second_factor(account):
            give_demo_device(account)


def _reload_context(ctx: DemoContext) -> None:
    ctx.districts = {d.code: d for d in District.objects.all()}
    ctx.offices = list(LocalCustoms.objects.order_by("code"))
    ctx.users = {
        u.username: u for u in User.objects.filter(username__in=[login for login, _r, _n in DEMO_LOGINS])
    }


def user(ctx: DemoContext, username: str, full_name: str, roles: list[str], **extra) -> User:
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


def person(ctx: DemoContext) -> str:
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
    user(ctx, "admin", "系统管理员", [Role.ADMINISTRATOR], is_staff=True, is_superuser=True)
    mgmt = Department.objects.get(district=bj, is_management_department=True)
    user(
        ctx,
        "manager.bj",
        "郑主任",
        [Role.MANAGER, Role.CUSTOMS_OFFICER],
        is_staff=True,
        department=mgmt,
        local_customs=airport,
    )
    officer = user(ctx, "officer.bj", "林科长", [Role.CUSTOMS_OFFICER], is_staff=True, local_customs=airport)
    for office in ctx.offices:
        if office.pk == airport.pk:
            leader = officer
        elif office.code == "0102":
            # The office a demo request is transferred to: its leader accepts (or declines) transfers.
            leader = user(
                ctx, "officer2.bj", "陈科长", [Role.CUSTOMS_OFFICER], is_staff=True, local_customs=office
            )
        else:
            leader = user(
                ctx,
                f"leader.{office.code}",
                person(ctx) + "（科长）",
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
        user(
            ctx,
            f"manager.{code}",
            person(ctx) + "（主任）",
            [Role.MANAGER, Role.CUSTOMS_OFFICER],
            is_staff=True,
            department=dept,
            local_customs=first_office,
        )
