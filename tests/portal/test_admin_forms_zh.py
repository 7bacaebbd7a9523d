"""Every admin form works in Chinese: the add, change and action pages answer, and a date picker
(``<input type=date>``) always carries an ISO value — in zh-hans Django formats dates as 2026/12/05,
which the browser's date input shows as empty."""

from __future__ import annotations

import contextlib
import re

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from credit.models import CreditEvent, CreditRating
from portal.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DATE_INPUT = re.compile(r'<input[^>]*type="(date|datetime-local)"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')
ISO = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "datetime-local": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"),
}


def _bad_date_inputs(html: str) -> list[str]:
    bad = []
    for match in DATE_INPUT.finditer(html):
        value = VALUE.search(match.group(0))
        if value and value.group(1) and not ISO[match.group(1)].match(value.group(1)):
            bad.append(match.group(0))
    return bad


@pytest.fixture
def superuser_zh(client):
    user = UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True, is_superuser=True, language="zh-hans")
    client.force_login(user)
    return client


def test_every_admin_add_and_change_page_answers_in_chinese_with_iso_date_inputs(superuser_zh, world):
    world.file_appeal()
    world.file_request()
    checked = 0
    for model in admin.site._registry:
        opts = model._meta
        urls = []
        with contextlib.suppress(NoReverseMatch):
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        for url in urls:
            response = superuser_zh.get(url)
            assert response.status_code in (200, 403), (url, response.status_code)
            if response.status_code == 200:
                assert response["Content-Language"] == "zh-hans", url
                assert not _bad_date_inputs(response.content.decode()), url
                checked += 1
    assert checked > 20


def test_recording_a_credit_event_in_chinese_shows_and_accepts_the_iso_date(client, world):
    officer = world.officer
    officer.language = "zh-hans"
    officer.save(update_fields=["language"])
    client.force_login(officer)
    enterprise = world.new_enterprise("regular")
    url = reverse("admin:credit_creditevent_add")
    page = client.get(url, {"enterprise": enterprise.pk})
    assert page["Content-Language"] == "zh-hans"
    today = timezone.localdate()
    assert f'type="date" value="{today.isoformat()}"' in page.content.decode().replace(
        'name="effective_date" ', ""
    )
    assert not _bad_date_inputs(page.content.decode())
    target = CreditRating.objects.get(regime=enterprise.rating.regime, code="advanced_certified")
    response = client.post(
        url,
        {
            "enterprise": enterprise.pk,
            "to_rating": target.pk,
            "effective_date": today.isoformat(),
            "reason": "certification",
            "reason_text": "认证通过",
            "legal_basis": "",
            "evidence": "认证报告",
        },
    )
    assert response.status_code == 302
    assert CreditEvent.objects.filter(enterprise=enterprise, to_rating=target, effective_date=today).exists()
