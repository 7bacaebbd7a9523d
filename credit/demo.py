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

from portal.demo_ids import make_customs_code, make_uscc
from portal.roles import Role

REPAIR_USCC_SERIAL = 77_000_001


def load(ctx) -> None:
    from enterprises.models import Enterprise

    from .models import AbnormalListEntry

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
    from enterprises.models import Enterprise, Membership

    from .models import AnnualReport

    year = ctx.today.year
    if AnnualReport.objects.filter(year=year).exists():
        return
    contacts = dict(
        Membership.objects.filter(role="contact_person", ended_at__isnull=True).values_list(
            "enterprise_id", "user_id"
        )
    )
    enterprises = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    missing = set(enterprises[5::40])  # a handful miss the deadline
    reports = [
        AnnualReport(
            enterprise_id=pk,
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
    from enterprises import services as enterprise_services
    from enterprises.models import Enterprise
    from portal.models import LocalCustoms, User

    from . import repair
    from .models import CreditEventReason, CreditRating, CreditRegime, UntrustworthyCause
    from .services import record_credit_event

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
