"""Who may do what to coordinators in the admin: officers assign pairs and record recusals; the
Management Department (managers) appoints coordinators and decides disqualifications."""

from django.db import migrations

from portal.reference_data import grant, ladder, views

PERMISSIONS = ladder(
    officer=[
        *views(
            "coordinators.coordinator",
            "coordinators.pairassignment",
            "coordinators.recusal",
            "coordinators.disqualification",
        ),
        "coordinators.add_pairassignment",
        "coordinators.add_recusal",
    ],
    manager=[
        "coordinators.add_coordinator",
        "coordinators.change_coordinator",
        "coordinators.add_disqualification",
    ],
)


def load(apps, schema_editor):
    grant(apps, PERMISSIONS, app_labels=("coordinators",))


class Migration(migrations.Migration):
    dependencies = [
        ("coordinators", "0001_initial"),
        ("portal", "0002_reference_data"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
