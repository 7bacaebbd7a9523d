"""Reference data of credit: the credit regimes (Decrees 237, 251, 282) with their ratings and mappings,
the AEO certification standard's items, the daily credit jobs' schedules, and who may do what in the
admin. No group gets "delete" on a record of a decision (credit events, lists, candidates, repairs)."""

from django.db import migrations

from portal.reference_data import grant, ladder, schedule_daily, unschedule, views

SCHEDULES = [
    ("Abnormal list: identify enterprises listed too long", "credit.identify_long_listed", "1", "10"),
    ("Annual reports: list enterprises that missed the deadline", "credit.list_annual_report_candidates", "1", "40"),
    ("Credit repair: apply automatic repairs", "credit.apply_automatic_repairs", "2", "10"),
    ("Re-certification: reminders and overdue flags", "credit.send_recertification_reminders", "7", "30"),
]
PERMISSIONS = ladder(
    officer=[
        *views(
            "credit.creditregime",
            "credit.creditrating",
            "credit.ratingmapping",
            "credit.creditevent",
            "credit.standarditem",
            "credit.selfexamination",
            "credit.selfexaminationanswer",
            "credit.abnormallistentry",
            "credit.abnormallistidentification",
            "credit.annualreport",
            "credit.annualreportcandidate",
            "credit.recertificationreminder",
            "credit.untrustworthyfinding",
            "credit.repairapplication",
        ),
        "credit.add_creditevent",
        "credit.add_abnormallistentry",
        "credit.change_abnormallistentry",
        "credit.change_annualreportcandidate",
        "credit.add_untrustworthyfinding",
        "credit.change_repairapplication",
    ],
    # The next decree is data: administrators edit regimes, ratings, mappings and the standard.
    administrator=[
        "credit.add_creditregime",
        "credit.change_creditregime",
        "credit.add_creditrating",
        "credit.change_creditrating",
        "credit.add_ratingmapping",
        "credit.change_ratingmapping",
        "credit.delete_ratingmapping",
        "credit.add_standarditem",
        "credit.change_standarditem",
    ],
)


REGIMES = [
    {
        "code": "decree-237",
        "name_zh": "海关总署令第237号《中华人民共和国海关企业信用管理办法》",
        "name_en": "GAC Decree 237: Measures for Enterprise Credit Management",
        "legal_basis": "海关总署令第237号",
        "effective_from": "2018-05-01",
        "review_cycle_years": 3,
        "reapply_bar_months": 12,
        "ratings": [
            ("advanced_certified", "高级认证企业", "Advanced certified enterprise", 40, True, True, False),
            ("general_certified", "一般认证企业", "General certified enterprise", 30, True, False, False),
            ("general_credit", "一般信用企业", "General credit enterprise", 20, False, False, False),
            ("untrustworthy", "失信企业", "Untrustworthy enterprise", 10, False, False, True),
        ],
    },
    {
        "code": "decree-251",
        "name_zh": "海关总署令第251号《中华人民共和国海关注册登记和备案企业信用管理办法》",
        "name_en": "GAC Decree 251: Credit Management of Registered and Filed Enterprises",
        "legal_basis": "海关总署令第251号",
        "effective_from": "2021-11-01",
        "review_cycle_years": 5,
        "reapply_bar_months": 12,
        "ratings": [
            ("advanced_certified", "高级认证企业", "Advanced certified enterprise (China AEO)", 40, True, True, False),
            ("regular", "其他注册登记和备案企业", "Regular enterprise", 20, False, False, False),
            ("untrustworthy", "失信企业", "Untrustworthy enterprise", 10, False, False, True),
        ],
        "mapping_from": "decree-237",
        "mapping": {
            "advanced_certified": "advanced_certified",
            "general_certified": "regular",
            "general_credit": "regular",
            "untrustworthy": "untrustworthy",
        },
    },
    {
        "code": "decree-282",
        "name_zh": "海关总署令第282号《中华人民共和国海关企业信用管理办法》",
        "name_en": "GAC Decree 282: Measures for Enterprise Credit Management",
        "legal_basis": "海关总署令第282号",
        "effective_from": "2026-04-01",
        "review_cycle_years": 5,
        "reapply_bar_months": 12,
        "ratings": [
            ("advanced_certified", "高级认证企业", "Advanced certified enterprise", 50, True, True, False),
            ("certified", "认证企业", "Certified enterprise", 40, True, False, False),
            ("regular", "一般信用企业", "Regular enterprise", 30, False, False, False),
            ("untrustworthy", "失信企业", "Untrustworthy enterprise", 20, False, False, True),
            ("seriously_untrustworthy", "严重失信企业", "Seriously untrustworthy enterprise", 10, False, False, True),
        ],
        "mapping_from": "decree-251",
        "mapping": {
            "advanced_certified": "advanced_certified",
            "regular": "regular",
            "untrustworthy": "untrustworthy",
        },
    },
]

STANDARD = [
    ("IC1", "internal_control", "组织机构控制", "Organisational control"),
    ("IC2", "internal_control", "进出口业务控制", "Import and export business control"),
    ("IC3", "internal_control", "内部审计控制", "Internal audit control"),
    ("IC4", "internal_control", "信息系统控制", "Information system control"),
    ("FS1", "financial_status", "会计信息", "Accounting information"),
    ("FS2", "financial_status", "偿付能力", "Solvency"),
    ("CO1", "compliance", "遵守法律法规", "Compliance with laws and regulations"),
    ("CO2", "compliance", "进出口业务规范", "Import and export business conduct"),
    ("CO3", "compliance", "税款缴纳", "Payment of duties and taxes"),
    ("CO4", "compliance", "管理要求", "Customs administration requirements"),
    ("CO5", "compliance", "外部信用", "External credit"),
    ("TS1", "trade_security", "场所与进入安全", "Premises and access security"),
    ("TS2", "trade_security", "人员安全", "Personnel security"),
    ("TS3", "trade_security", "货物与运输工具安全", "Cargo and conveyance security"),
    ("TS4", "trade_security", "商业伙伴安全", "Business partner security"),
    ("TS5", "trade_security", "危机管理", "Crisis management"),
]


def load_regimes(apps, schema_editor):
    Regime = apps.get_model("credit", "CreditRegime")
    Rating = apps.get_model("credit", "CreditRating")
    Mapping = apps.get_model("credit", "RatingMapping")
    Item = apps.get_model("credit", "StandardItem")
    for spec in REGIMES:
        regime, _ = Regime.objects.update_or_create(
            code=spec["code"],
            defaults={
                k: spec[k]
                for k in ("name_zh", "name_en", "legal_basis", "effective_from", "review_cycle_years", "reapply_bar_months")
            },
        )
        for code, zh, en, rank, aeo, coord, untrust in spec["ratings"]:
            Rating.objects.update_or_create(
                regime=regime,
                code=code,
                defaults={"name_zh": zh, "name_en": en, "rank": rank, "is_aeo": aeo, "gets_coordinators": coord, "is_untrustworthy": untrust},
            )
        if "mapping" in spec:
            old = Regime.objects.get(code=spec["mapping_from"])
            for old_code, new_code in spec["mapping"].items():
                Mapping.objects.update_or_create(
                    from_rating=Rating.objects.get(regime=old, code=old_code),
                    defaults={"to_rating": Rating.objects.get(regime=regime, code=new_code)},
                )
    for position, (code, category, zh, en) in enumerate(STANDARD):
        Item.objects.update_or_create(code=code, defaults={"category": category, "title_zh": zh, "title_en": en, "position": position})




def load(apps, schema_editor):
    load_regimes(apps, schema_editor)
    for name, task, hour, minute in SCHEDULES:
        schedule_daily(apps, name=name, task=task, hour=hour, minute=minute)
    grant(apps, PERMISSIONS, app_labels=("credit",))


def unload(apps, schema_editor):
    unschedule(apps, *[name for name, *_rest in SCHEDULES])


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0002_initial"),
        ("portal", "0002_reference_data"),
    ]
    operations = [migrations.RunPython(load, unload)]
