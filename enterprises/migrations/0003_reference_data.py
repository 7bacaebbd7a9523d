"""Who may do what to enterprises in the admin: officers register and edit enterprises (and import
them), designate contact persons and decide registration changes. Nobody deletes a history row."""

from django.db import migrations

from portal.reference_data import grant, ladder, views

PERMISSIONS = ladder(
    officer=[
        *views("enterprises.enterprise", "enterprises.membership", "enterprises.registrationchange"),
        "enterprises.add_enterprise",
        "enterprises.change_enterprise",
        "enterprises.add_membership",
        "enterprises.change_registrationchange",
    ],
)


def load(apps, schema_editor):
    grant(apps, PERMISSIONS, app_labels=("enterprises",))


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_initial"),
        ("portal", "0002_reference_data"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
