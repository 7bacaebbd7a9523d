"""Reference data of coordination requests: the default SLA targets per service type (working days;
managers edit them in the admin), the daily escalation schedule, and who may see requests in the admin
(officers read-only; managers also edit SLA targets and published answers)."""

from django.db import migrations

from portal.reference_data import grant, ladder, schedule_daily, unschedule, views

# (first response, resolution) in working days; our reading of "handled promptly" (docs/DOMAIN.md).
SERVICE_LEVELS = {
    "consulting": (1, 5),
    "appeals": (2, 15),
    "difficult_problems": (1, 10),
    "opinions": (2, 10),
    "standards_guidance": (2, 10),
    "cooperation_guidance": (2, 10),
    "other": (2, 10),
}
ESCALATION = "Escalate overdue coordination requests"
PERMISSIONS = ladder(
    officer=views("coordination.coordinationrequest", "coordination.publishedanswer", "coordination.servicelevel"),
    manager=["coordination.change_servicelevel", "coordination.change_publishedanswer"],
)


def load(apps, schema_editor):
    ServiceLevel = apps.get_model("coordination", "ServiceLevel")
    for service_type, (first, resolution) in SERVICE_LEVELS.items():
        ServiceLevel.objects.get_or_create(
            service_type=service_type,
            defaults={"first_response_working_days": first, "resolution_working_days": resolution},
        )
    schedule_daily(apps, name=ESCALATION, task="coordination.escalate_overdue_requests", hour="7", minute="30")
    grant(apps, PERMISSIONS, app_labels=("coordination",))


def unload(apps, schema_editor):
    unschedule(apps, ESCALATION)


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0001_initial"),
        ("portal", "0002_reference_data"),
    ]
    operations = [migrations.RunPython(load, unload)]
