"""Admin permissions for the abnormal list, annual reports, reminders and credit repair; administrators
may edit the beat schedules (django-celery-beat). No delete anywhere: these are records of decisions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICER = [
    ("credit", "view_abnormallistentry"),
    ("credit", "add_abnormallistentry"),
    ("credit", "change_abnormallistentry"),
    ("credit", "view_abnormallistidentification"),
    ("credit", "view_annualreport"),
    ("credit", "view_annualreportcandidate"),
    ("credit", "change_annualreportcandidate"),
    ("credit", "view_recertificationreminder"),
    ("credit", "view_untrustworthyfinding"),
    ("credit", "add_untrustworthyfinding"),
    ("credit", "view_repairapplication"),
    ("credit", "change_repairapplication"),
]
ADMINISTRATOR = [
    (app, f"{action}_{model}")
    for app, model in [
        ("django_celery_beat", "periodictask"),
        ("django_celery_beat", "crontabschedule"),
        ("django_celery_beat", "intervalschedule"),
    ]
    for action in ("view", "add", "change")
]


def grant(apps, schema_editor):
    for label in ("credit", "django_celery_beat"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    def find(pairs):
        return [Permission.objects.get(content_type__app_label=app, codename=code) for app, code in pairs]

    officer = find(OFFICER)
    for name, permissions in (
        ("customs_officer", officer),
        ("manager", officer),
        ("administrator", officer + find(ADMINISTRATOR)),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0002_role_groups"),
        ("credit", "0005_beat_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
