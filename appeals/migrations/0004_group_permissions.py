"""Customs officers and managers triage appeals in the admin (view + change through the services'
actions); nobody gets add or delete (appeals are filed by enterprises; nothing is hard-deleted)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    ("appeals", "view_appeal"),
    ("appeals", "change_appeal"),
    ("appeals", "view_appealattachment"),
    ("appeals", "view_appealevent"),
]


def grant(apps, schema_editor):
    config = apps.get_app_config("appeals")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    found = [Permission.objects.get(content_type__app_label=app, codename=code) for app, code in PERMISSIONS]
    for name in ("customs_officer", "manager", "administrator"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*found)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0002_role_groups"),
        ("appeals", "0003_search_and_deadline_indexes"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
