"""The role groups get the admin permissions they need from the apps' reference-data migrations, and no
role may delete history."""

from django.contrib.auth.models import Group

from portal.roles import Role


def test_groups_get_the_admin_permissions_they_need_and_no_delete_on_history(db):
    officer = set(Group.objects.get(name=Role.CUSTOMS_OFFICER).permissions.values_list("codename", flat=True))
    manager = set(Group.objects.get(name=Role.MANAGER).permissions.values_list("codename", flat=True))
    assert {
        "view_enterprise",
        "add_enterprise",
        "change_registrationchange",
        "add_pairassignment",
        "add_recusal",
        "add_creditevent",
    } <= officer
    assert "add_disqualification" not in officer
    assert {"add_disqualification", "change_coordinator"} <= manager
    history = [
        "creditevent",
        "membership",
        "pairassignment",
        "recusal",
        "disqualification",
        "registrationchange",
        "selfexamination",
    ]
    for codenames in (officer, manager):
        assert not {f"delete_{model}" for model in history} & codenames
