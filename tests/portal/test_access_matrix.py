"""The access matrix: every route of the product — pages, the API, the admin (changelists, change pages
by id, history, add, delete, import, autocomplete, every action) and the exports — requested as each
of twelve people, for objects of enterprise A (tests/access_world.py), against the expected allow/deny.

Routes are discovered from the URL resolver and every admin action from the admin's registry
(tests/access_harness.py): a new route or action without an entry here fails ``test_every_route_has_an_
entry``. "Allowed" means the request reached the page or the service (200, 201, a redirect onwards, or
a 400/409 refusal of bad input or state); "denied" is a 401, a 403, a 404, a 405, or a redirect to the sign-in
page (or, in the admin, back to its index: Django's answer to an object outside one's scope). The world
is built once for the module and every request runs in a savepoint that is rolled back.
"""

from __future__ import annotations

import os
import re
import time

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from simple_history.admin import SimpleHistoryAdmin

from tests.access_harness import admin_actions, fetch, route_keys
from tests.access_world import ROLES, build
from tests.portal.access_expected import EXPECTED
from tests.portal.access_roles import CONTACT_A, OFFICER_A


def E(method: str, url: str, _unused=None, data=None):
    """An entry: how to request the route (its expectation is in access_expected.EXPECTED)."""
    return (method, url, None, data)


# --- Pages and the API ------------------------------------------------------------------------------
# url templates are filled from the world's ids; the expectations are in access_expected.EXPECTED.
PAGES = {
    "home": E("GET", "/"),
    "portal:home": E("GET", "/"),
    "portal:no_role": E("GET", "/no-role/"),
    "portal:officer_home": E("GET", "/officer/"),
    "portal:notifications": E("GET", "/notifications/"),
    "healthz": E("GET", "/healthz"),
    "set_language": E("POST", "/i18n/setlang/", None, {"language": "en"}),
    "javascript-catalog": E("GET", "/jsi18n/"),
    "login": E("GET", "/accounts/login/"),
    "logout": E("POST", "/accounts/logout/"),
    "password_change": E("GET", "/accounts/password/"),
    "password_change_done": E("GET", "/accounts/password/done/"),
    "two_factor": E("GET", "/accounts/two-factor/"),
    "backup_codes": E("GET", "/accounts/two-factor/backup-codes/"),
    "password_reset": E("GET", "/accounts/password/reset/"),
    "password_reset_done": E("GET", "/accounts/password/reset/sent/"),
    "password_reset_confirm": E("GET", "/accounts/password/reset/MQ/set-password/"),
    "password_reset_complete": E("GET", "/accounts/password/reset/complete/"),
    "enterprises:home": E("GET", "/enterprise/"),
    "enterprises:my_registration": E("GET", "/enterprise/registration/"),
    "enterprises:registration": E("GET", "/enterprise/{enterprise}/registration/"),
    "enterprises:propose_change": E("GET", "/enterprise/{enterprise}/registration/change/"),
    "enterprises:registration_change": E(
        "GET", "/enterprise/{enterprise}/registration/changes/{registration_change}/", None
    ),
    "coordination:workspace": E("GET", "/coordination/workspace/"),
    "coordination:request_list": E("GET", "/coordination/requests/"),
    "coordination:request_create": E("GET", "/coordination/requests/new/"),
    "coordination:answer_suggestions": E("GET", "/coordination/requests/suggestions/?subject=退税"),
    "coordination:request_detail": E("GET", "/coordination/requests/{request}/"),
    "coordination:request_reply": E("POST", "/coordination/requests/{request}/reply/", None, {"body": "x"}),
    "coordination:request_action": E("POST", "/coordination/requests/{request}/actions/resolve/"),
    "coordination:schedule_visit": E("GET", "/coordination/requests/{request}/visit/"),
    "coordination:publish_answer": E("GET", "/coordination/requests/{published_request}/publish/"),
    "coordination:record_visit": E("POST", "/coordination/visits/{visit}/record/"),
    "coordination:attachment_download": E("GET", "/coordination/attachments/{request_attachment}/"),
    "coordination:knowledge_base": E("GET", "/coordination/answers/"),
    "coordination:answer_detail": E("GET", "/coordination/answers/{answer}/"),
    "appeals:list": E("GET", "/appeals/"),
    "appeals:file": E("GET", "/appeals/new/"),
    "appeals:detail": E("GET", "/appeals/{appeal}/"),
    "appeals:attachment": E("GET", "/appeals/attachments/{appeal_attachment}/"),
    "appeals:from_request": E("GET", "/appeals/from-request/{request}/"),
    "credit:home": E("GET", "/credit/"),
    "credit:submit_report": E("POST", "/credit/annual-report/"),
    "credit:apply_repair": E("POST", "/credit/repair/"),
    "credit:selfexam_list": E("GET", "/credit/self-examination/"),
    "credit:selfexam_new": E("GET", "/credit/self-examination/new/"),
    "credit:selfexam_overview": E("GET", "/credit/self-examination/overview/"),
    "credit:selfexam_detail": E("GET", "/credit/self-examination/{self_examination}/"),
    "outreach:announcement_list": E("GET", "/outreach/announcements/"),
    "outreach:announcement_create": E("GET", "/outreach/announcements/new/"),
    "outreach:announcement_detail": E("GET", "/outreach/announcements/{announcement}/"),
    "outreach:announcement_publish": E("POST", "/outreach/announcements/{announcement}/publish/"),
    "outreach:announcement_unread": E("GET", "/outreach/announcements/{announcement}/unread/"),
    "outreach:training_list": E("GET", "/outreach/training/"),
    "outreach:training_create": E("GET", "/outreach/training/new/"),
    "outreach:training_report": E("GET", "/outreach/training/report/?format=csv"),
    "outreach:training_detail": E("GET", "/outreach/training/{session}/"),
    "outreach:training_register": E("POST", "/outreach/training/{session}/register/"),
    "outreach:training_invite": E("POST", "/outreach/training/{session}/invite/"),
    "outreach:training_material_add": E("POST", "/outreach/training/{session}/materials/"),
    "outreach:training_cancel_registration": E(
        "POST", "/outreach/training/registrations/{registration}/cancel/", None
    ),
    "outreach:training_attendance": E(
        "POST", "/outreach/training/registrations/{registration}/attendance/", None
    ),
    "outreach:training_material_download": E("GET", "/outreach/training/materials/{material}/"),
    "outreach:calendar": E("GET", "/outreach/calendar/"),
    "outreach:calendar_feed": E("GET", "/outreach/calendar/{calendar_token}.ics"),
    "supervision:dashboard": E("GET", "/supervision/"),
    "supervision:dashboard_export": E("GET", "/supervision/export/coordinators/?format=xlsx"),
    "supervision:dashboard_coordinator": E("GET", "/supervision/coordinators/{coordinator}/"),
    "supervision:dashboard_rebalance": E("GET", "/supervision/coordinators/{coordinator}/rebalance/"),
    "supervision:dashboard_reassign": E("GET", "/supervision/reassign/{enterprise}/"),
    "supervision:rotations": E("GET", "/supervision/rotations/"),
    "supervision:rotation_confirm": E("GET", "/supervision/rotations/{rotation}/"),
    "portal:open_notification": E("GET", "/notifications/{notification}/"),
    "portal:set_language": E("POST", "/language/", None, {"language": "en"}),
    "coordination:visit_detail": E("GET", "/coordination/visits/{visit_record}/"),
    "coordination:visit_attachment": E("GET", "/coordination/visits/files/{visit_attachment}/"),
    "liaison:desk": E("GET", "/liaison/"),
    "liaison:notices": E("GET", "/liaison/notices/"),
    "liaison:notice_new": E("GET", "/liaison/notices/new/"),
    "liaison:notice_detail": E("GET", "/liaison/notices/{notice}/"),
    "liaison:refer": E(
        "POST",
        "/liaison/requests/{request}/refer/",
        None,
        {"department": "{department}", "question": "请协助"},
    ),
    "liaison:answer": E("POST", "/liaison/referrals/{referral}/answer/", None, {"body": "答复"}),
    "liaison:share": E("POST", "/liaison/referrals/{referral}/share/"),
    "liaison:withdraw": E("POST", "/liaison/referrals/{referral}/withdraw/"),
    "compliance:enterprise_home": E("GET", "/compliance/"),
    "compliance:assessment_list": E("GET", "/compliance/assessments/"),
    "compliance:assessment_detail": E("GET", "/compliance/assessments/{assessment}/"),
    "compliance:assessment_edit": E("GET", "/compliance/enterprises/{enterprise}/assess/"),
    "compliance:action_detail": E("GET", "/compliance/actions/{improvement_action}/"),
    "compliance:file": E("GET", "/compliance/files/{action_file}/"),
    "schema": E("GET", "/api/schema/"),
    "swagger-ui": E("GET", "/api/docs/"),
    "coordination-request-list": E("GET", "/api/requests/"),
    "coordination-request-detail": E("GET", "/api/requests/{request}/"),
    "coordination-request-messages": E("GET", "/api/requests/{request}/messages/"),
    "coordination-request-transitions": E("GET", "/api/requests/{request}/transitions/"),
    "appeal-list": E("GET", "/api/appeals/"),
    "appeal-detail": E("GET", "/api/appeals/{appeal}/"),
    "referral-list": E("GET", "/api/referrals/"),
    "referral-detail": E("GET", "/api/referrals/{referral}/"),
    "department-notice-list": E("GET", "/api/department-notices/"),
    "department-notice-detail": E("GET", "/api/department-notices/{notice}/"),
    "assessment-list": E("GET", "/api/assessments/"),
    "assessment-detail": E("GET", "/api/assessments/{assessment}/"),
    "improvement-action-list": E("GET", "/api/improvement-actions/"),
    "improvement-action-detail": E("GET", "/api/improvement-actions/{improvement_action}/"),
    "rotation-list": E("GET", "/api/rotations/"),
    "rotation-detail": E("GET", "/api/rotations/{rotation}/"),
    # Issue 13.
    "favicon": E("GET", "/favicon.ico"),
    "verify:status": E("GET", "/verify/?code={uscc}"),
    "portal:api_tokens": E("GET", "/account/tokens/"),
    "portal:revoke_api_token": E("POST", "/account/tokens/{api_token}/revoke/"),
    "enterprises:mine": E("GET", "/enterprise/served/"),
    "enterprises:file": E("GET", "/enterprise/{enterprise}/file/"),
    "enterprises:attachment": E("GET", "/enterprise/files/{registration_attachment}/"),
    "credit:repair_attachment": E("GET", "/credit/files/repair/{repair_attachment}/"),
    "credit:evidence_file": E("GET", "/credit/files/evidence/{evidence_file}/"),
    "outreach:announcement_attachment": E("GET", "/outreach/announcements/files/{announcement_attachment}/"),
    "coordination:workspace_bulk": E(
        "POST", "/coordination/workspace/bulk/", None, {"action": "accept", "requests": "{request}"}
    ),
    "coordination:save_filter": E(
        "POST", "/coordination/workspace/filters/", None, {"name": "今日", "query": "status=open"}
    ),
    "coordination:delete_filter": E("POST", "/coordination/workspace/filters/{saved_filter}/delete/"),
    "api-root": E("GET", "/api/"),
    "public-status": E("GET", "/api/public/status/?code={uscc}"),
    "coordination-request-search": E("GET", "/api/requests/search/?q=退税"),
    "enterprise-list": E("GET", "/api/enterprises/"),
    "enterprise-detail": E("GET", "/api/enterprises/{enterprise}/"),
    "enterprise-deadlines": E("GET", "/api/enterprises/{enterprise}/deadlines/"),
    "credit-event-list": E("GET", "/api/credit-events/"),
    "credit-event-detail": E("GET", "/api/credit-events/{credit_event}/"),
    "site-visit-list": E("GET", "/api/visits/"),
    "site-visit-detail": E("GET", "/api/visits/{site_visit}/"),
    "announcement-list": E("GET", "/api/announcements/"),
    "announcement-detail": E("GET", "/api/announcements/{announcement}/"),
}

# A bulk action of the workspace is judged like an admin action: by its message (a selected request
# outside the user's scope is reported as "not one you may see" and left alone).
PAGE_ACTIONS = {"coordination:workspace_bulk"}
# Pages that send a person on to a page of their own scope (issue 13: customs staff reading an
# enterprise's registration are sent to its enterprise file; on /credit/ to their own "My enterprises";
# an enterprise member opening "My enterprises" to their enterprise's page): the redirect is followed and
# counts as allowed only if its target is allowed to the same person.
FOLLOW = {
    "enterprises:my_registration",
    "enterprises:registration",
    "enterprises:registration_change",
    "enterprises:mine",
    "credit:home",
}

# The writes of the API, by method (the schema lists them; ``test_every_route_has_an_entry`` checks).
API_WRITES = {
    "coordination-request-list#post": E(
        "POST", "/api/requests/", None, {"service_type": "consulting", "subject": "s", "description": "d"}
    ),
    "coordination-request-messages#post": E("POST", "/api/requests/{request}/messages/", None, {"body": "x"}),
    "coordination-request-transitions#post": E(
        "POST", "/api/requests/{request}/transitions/", None, {"action": "resolve", "note": "done"}
    ),
    "appeal-list#post": E(
        "POST", "/api/appeals/", None, {"appeal_type": "penalty", "subject": "s", "grounds": "g"}
    ),
    "referral-list#post": E(
        "POST",
        "/api/referrals/",
        None,
        {"request": "{request}", "department": "{department}", "question": "请协助"},
    ),
    "referral-answer#post": E("POST", "/api/referrals/{referral}/answer/", None, {"body": "答复"}),
    "referral-share#post": E("POST", "/api/referrals/{referral}/share/"),
    "improvement-action-responses#post": E(
        "POST", "/api/improvement-actions/{improvement_action}/responses/", None, {"answer": "已整改"}
    ),
    "rotation-confirm#post": E("POST", "/api/rotations/{rotation}/confirm/", None, {"substitute": "{spare}"}),
    "supervision:dashboard_export#csv": E("GET", "/supervision/export/recertifications/?format=csv"),
    "outreach:training_report#xlsx": E("GET", "/outreach/training/report/?format=xlsx"),
}

SNAPSHOT = os.environ.get("ACCESS_MATRIX_SNAPSHOT")


@pytest.fixture(scope="module")
def access(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module inside a transaction rolled back at its end; its files in a
    media directory of the module's own."""
    from django.test import override_settings

    media = str(tmp_path_factory.mktemp("matrix-media"))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        built = build()
        built.media = media
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def media(access, settings, monkeypatch):
    """The world's files; and template responses (the admin's pages) are not rendered: access is decided
    by the view before its template renders, and rendering 4,000 admin pages would take minutes. Pages
    that render themselves (``render()``) still do; other tests render every admin page."""
    from django.template.response import SimpleTemplateResponse

    settings.MEDIA_ROOT = access.media
    # The public status look-up (issue 13) is rate-limited per address, and every person here asks from
    # the same one: the limit is tests/credit/test_public_status.py's subject, not this matrix's.
    settings.GUANQI = {**settings.GUANQI, "PUBLIC_STATUS_LOOKUPS_PER_MINUTE": 10_000}
    monkeypatch.setattr(SimpleTemplateResponse, "rendered_content", property(lambda self: ""))


def client_for(access, role):
    client = Client()
    user = access.users[role]
    if user is not None:
        client.force_login(user)
    return client


def check(access, role, entries: dict, *, action_keys=(), follow_keys=()) -> None:
    client = client_for(access, role)
    wrong = []
    for key, (method, template, _none, data) in entries.items():
        allow = EXPECTED.get(key)
        url = template.format(**access.ids)
        if data:  # values naming the world's objects ("{request}") are filled in like the url
            data = {k: v.format(**access.ids) if isinstance(v, str) else v for k, v in data.items()}
        started = time.monotonic()
        outcome = fetch(client, method, url, data, action=key in action_keys, follow=key in follow_keys)
        elapsed = time.monotonic() - started
        assert outcome.status < 500, (key, role, outcome)
        if SNAPSHOT:
            with open(SNAPSHOT, "a") as out:
                out.write(
                    f"{key}\t{role}\t{int(outcome.allowed)}\t{outcome.status}\t{elapsed:.3f}\t{outcome.detail}\n"
                )
            continue
        if allow is None:
            wrong.append(f"{key}: no expectation in access_expected.EXPECTED")
        elif outcome.allowed != (role in allow):
            wrong.append(f"{key} {method} {url}: {'allowed' if outcome.allowed else 'denied'} ({outcome})")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_pages_and_api(access, media, role):
    check(access, role, {**PAGES, **API_WRITES}, action_keys=PAGE_ACTIONS, follow_keys=FOLLOW)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_admin(access, media, role):
    entries, actions = admin_entries(access)
    check(access, role, entries, action_keys=actions)


@pytest.mark.django_db
def test_every_route_has_an_entry(access, client):
    """A route (resolver), an API operation (OpenAPI schema) or an admin action without an entry fails."""
    entries, _actions = admin_entries(access)
    every = {**PAGES, **API_WRITES, **entries}
    assert not sorted(set(every) - set(EXPECTED)), "entries without an expectation"
    assert not sorted(set(EXPECTED) - set(every)), "expectations without an entry"
    known = {key.split("#")[0] for key in every}
    routes = route_keys()
    missing = sorted(set(routes) - known)
    assert not missing, f"routes without an entry in the access matrix: {missing}"
    stale = sorted(k for k in known if k not in routes and not k.startswith("action:"))
    assert not stale, f"entries for routes that no longer exist: {stale}"
    missing_actions = sorted(set(admin_actions()) - known)
    assert not missing_actions, f"admin actions without an entry: {missing_actions}"
    client.force_login(access.users[CONTACT_A])
    schema = client.get("/api/schema/?format=json").json()
    methods = {
        (method.upper(), path)
        for path, ops in schema["paths"].items()
        for method in ops
        if method != "parameters"
    }
    covered = {
        (m, re.sub(r"\{\w+\}", "{id}", t.split("?")[0]) if t.startswith("/api/") else t)
        for m, t, _a, _d in {**PAGES, **API_WRITES}.values()
    }
    uncovered = sorted(op for op in methods if op not in covered)
    assert not uncovered, f"API operations without an entry: {uncovered}"


# --- The admin --------------------------------------------------------------------------------------
# Per registered model (found in the admin's registry): the changelist, the add page, and A's object's
# change, history and delete pages; every action, run on A's object.
ADMIN_OTHER = {
    "admin:index": E("GET", "/admin/"),
    "admin:login": E("GET", "/admin/login/"),
    "admin:logout": E("POST", "/admin/logout/"),
    "admin:password_change": E("GET", "/admin/password_change/"),
    "admin:password_change_done": E("GET", "/admin/password_change/done/"),
    "admin:jsi18n": E("GET", "/admin/jsi18n/"),
    "admin:autocomplete": E(
        "GET",
        "/admin/autocomplete/?app_label=coordinators&model_name=coordinator&field_name=user&term=",
        None,
    ),
    "admin:autocomplete#enterprise": E(
        "GET",
        "/admin/autocomplete/?app_label=credit&model_name=creditevent&field_name=enterprise&term=",
        None,
    ),
    "admin:view_on_site": E("GET", "/admin/r/{enterprise_ct}/{enterprise}/"),
    "admin:app_list": E("GET", "/admin/enterprises/"),
    "admin/(?P<url>.*)$": E("GET", "/admin/no-such-page/"),
    "admin:enterprises_enterprise_import": E("GET", "/admin/enterprises/enterprise/import/"),
    "admin:enterprises_enterprise_import_template": E(
        "GET", "/admin/enterprises/enterprise/import/template.csv"
    ),
    "admin:appeals_appeal_assign": E("GET", "/admin/appeals/appeal/{appeal}/assign/"),
    "admin:appeals_appeal_decide": E("GET", "/admin/appeals/appeal/{appeal}/decide/"),
    "admin:appeals_appeal_disqualify": E("GET", "/admin/appeals/appeal/{appeal}/disqualify/"),
    "admin:appeals_appeal_correct_credit": E("GET", "/admin/appeals/appeal/{appeal}/correct-credit/"),
    "admin:auth_user_password_change": E("GET", "/admin/portal/user/{contact_a}/password/"),
    "admin:otp_totp_totpdevice_config": E("GET", "/admin/otp_totp/totpdevice/{officer_device}/config/"),
    "admin:otp_totp_totpdevice_qrcode": E("GET", "/admin/otp_totp/totpdevice/{officer_device}/qrcode/"),
}


def object_of_a(model, access):
    """The row of ``model`` that belongs to A (or to A's district, office or people), else any row."""
    w = access.world
    ids = access.ids
    label = model._meta.label_lower
    direct = {
        "enterprises.enterprise": ids["enterprise"],
        "coordinators.coordinator": ids["coordinator"],
        "portal.user": access.users[CONTACT_A].pk,
        "portal.district": w.district.pk,
        "portal.localcustoms": w.office.pk,
        "portal.department": w.management_department.pk,
        "outreach.trainingsession": ids["session"],
        "outreach.announcement": ids["announcement"],
        "appeals.appeal": ids["appeal"],
        "coordination.coordinationrequest": ids["request"],
        "coordination.publishedanswer": ids["answer"],
        "coordination.sitevisit": ids["visit"],
        "credit.selfexamination": ids["self_examination"],
        "enterprises.registrationchange": ids["registration_change"],
        "portal.apitoken": ids["api_token"],
        "coordination.cannedresponse": ids["canned_response"],
    }
    if label in direct:
        return direct[label]
    fields = {f.name for f in model._meta.get_fields()}
    manager = model._default_manager
    for name, value in (
        ("enterprise", ids["enterprise"]),
        ("appeal", ids["appeal"]),
        ("announcement", ids["announcement"]),
        ("user", access.users[CONTACT_A].pk),
        ("recipient", access.users[CONTACT_A].pk),
    ):
        if name in fields:
            row = manager.filter(**{name: value}).order_by("pk").first()
            if row is not None:
                return row.pk
    row = manager.order_by("pk").first()
    return row.pk if row is not None else 0


def admin_entries(access):
    """Entries for every registered model's pages and every admin action."""
    from django.contrib.contenttypes.models import ContentType

    from enterprises.models import Enterprise
    from portal.security import give_demo_device

    access.ids.setdefault("enterprise_ct", ContentType.objects.get_for_model(Enterprise).pk)
    access.ids.setdefault("contact_a", access.users[CONTACT_A].pk)
    access.ids.setdefault("officer_device", give_demo_device(access.users[OFFICER_A]).pk)
    entries = dict(ADMIN_OTHER)
    actions = set()
    all_actions = admin_actions()
    for model, model_admin in admin.site._registry.items():
        app, name = model._meta.app_label, model._meta.model_name
        pk = object_of_a(model, access)
        base = f"/admin/{app}/{name}/"
        entries[f"admin:{app}_{name}_changelist"] = E("GET", base)
        entries[f"admin:{app}_{name}_add"] = E("GET", f"{base}add/")
        entries[f"admin:{app}_{name}_change"] = E("GET", f"{base}{pk}/change/")
        entries[f"admin:{app}_{name}_history"] = E("GET", f"{base}{pk}/history/")
        entries[f"admin:{app}_{name}_delete"] = E("GET", f"{base}{pk}/delete/")
        entries[f"admin/{app}/{name}/<path:object_id>/"] = E("GET", f"{base}{pk}/")
        if isinstance(model_admin, SimpleHistoryAdmin) and hasattr(model, "history"):
            versions = model.history.filter(**{model._meta.pk.attname: pk}).order_by("history_id")
            if not versions.exists() and (row := model._default_manager.filter(pk=pk).first()):
                # Reference rows loaded by data migrations before their history began: their first version.
                model.history.bulk_history_create([row])
            version = versions.values_list("history_id", flat=True).first()
            entries[f"admin:{app}_{name}_simple_history"] = E("GET", f"{base}{pk}/history/{version or 0}/")
        for key, (_admin, action) in all_actions.items():
            if _admin is model_admin:
                entries[key] = E("POST", base, None, {"action": action, "_selected_action": [pk]})
                actions.add(key)
    return entries, actions
