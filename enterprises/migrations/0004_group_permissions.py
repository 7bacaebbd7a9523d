"""Grant the customs role groups the admin permissions they need on the core models.

- customs_officer: view everything of enterprises, coordinators and credit; register and edit enterprises
  (and import them), designate contact persons, decide registration changes, assign pairs, record
  recusals and credit events.
- manager: what an officer may, plus appoint coordinators (add/change) and decide disqualifications.
- administrator: what a manager may, plus edit the credit regimes, ratings, mappings and the
  certification standard (the next decree is data).
No group gets "delete" on a history model (credit events, memberships, pairs, recusals,
disqualifications, registration changes, self-examinations): history is append-only.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_ALL = [
    ("enterprises", "enterprise"),
    ("enterprises", "membership"),
    ("enterprises", "registrationchange"),
    ("coordinators", "coordinator"),
    ("coordinators", "pairassignment"),
    ("coordinators", "recusal"),
    ("coordinators", "disqualification"),
    ("credit", "creditregime"),
    ("credit", "creditrating"),
    ("credit", "ratingmapping"),
    ("credit", "creditevent"),
    ("credit", "standarditem"),
    ("credit", "selfexamination"),
    ("credit", "selfexaminationanswer"),
    ("portal", "district"),
    ("portal", "localcustoms"),
]
OFFICER = [
    ("enterprises", "add_enterprise"),
    ("enterprises", "change_enterprise"),
    ("enterprises", "add_membership"),
    ("enterprises", "change_registrationchange"),
    ("coordinators", "add_pairassignment"),
    ("coordinators", "add_recusal"),
    ("credit", "add_creditevent"),
]
MANAGER = [
    ("coordinators", "add_coordinator"),
    ("coordinators", "change_coordinator"),
    ("coordinators", "add_disqualification"),
    ("portal", "view_user"),
]
ADMINISTRATOR = [
    ("credit", "add_creditregime"),
    ("credit", "change_creditregime"),
    ("credit", "add_creditrating"),
    ("credit", "change_creditrating"),
    ("credit", "add_ratingmapping"),
    ("credit", "change_ratingmapping"),
    ("credit", "delete_ratingmapping"),
    ("credit", "add_standarditem"),
    ("credit", "change_standarditem"),
]


def _permissions(apps, pairs):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, codename in pairs:
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now for the apps we need.
    for label in ("portal", "enterprises", "coordinators", "credit"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    view = [(app, f"view_{model}") for app, model in VIEW_ALL]
    officer = _permissions(apps, view + OFFICER)
    manager = officer + _permissions(apps, MANAGER)
    administrator = manager + _permissions(apps, ADMINISTRATOR)
    for name, permissions in (
        ("customs_officer", officer),
        ("manager", manager),
        ("administrator", administrator),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0002_role_groups"),
        ("enterprises", "0003_announcement_digest_schedule"),
        ("coordinators", "0002_initial"),
        ("credit", "0003_regimes_and_standard"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
