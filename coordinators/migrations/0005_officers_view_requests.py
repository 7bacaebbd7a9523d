"""Customs officers of the local customs see (read-only, scoped by ``visible_to``) the coordination
requests in the admin, as the Management Department already does."""

from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    officer, _ = Group.objects.get_or_create(name="customs_officer")
    officer.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="coordinators",
            codename__in=["view_coordinationrequest", "view_publishedanswer", "view_servicelevel"],
        )
    )


class Migration(migrations.Migration):
    dependencies = [("coordinators", "0004_service_levels_and_escalation_schedule")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
