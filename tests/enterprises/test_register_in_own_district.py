"""An officer registers enterprises of their own district only — by the add page, by import or by the
service — and an import row for another district reveals nothing about that district's enterprises."""

from __future__ import annotations

import pytest
from django.urls import reverse

from enterprises import services
from enterprises.importing import import_enterprises
from enterprises.models import Enterprise
from portal.demo_ids import make_uscc
from portal.exceptions import PermissionDeniedError

pytestmark = pytest.mark.django_db

HEADER = "uscc,customs_code,name_zh,registered_address,district,local_customs"


def _fields(office, n=1):
    return {
        "uscc": make_uscc(710_000_000 + n),
        "customs_code": f"71{n:08d}",
        "name_zh": f"他区企业{n}",
        "registered_address": "天津市",
        "district": office.district,
        "local_customs": office,
    }


def test_the_service_refuses_an_officer_of_another_district(world):
    with pytest.raises(PermissionDeniedError):
        services.register_enterprise(actor=world.officer, **_fields(world.foreign_office))
    assert services.register_enterprise(actor=world.officer, **_fields(world.office, 2)).pk
    assert services.register_enterprise(actor=None, **_fields(world.foreign_office, 3)).pk  # the system


def test_an_import_row_for_another_district_imports_nothing_and_reveals_no_existing_code(world):
    existing = world.other_enterprise  # of the foreign district
    row = f"{existing.uscc},{existing.customs_code},x,y,{world.foreign_office.district.code},{world.foreign_office.code}"
    result = import_enterprises(data=f"{HEADER}\n{row}\n".encode(), filename="f.csv", actor=world.officer)
    messages = " ".join(str(e) for e in result.errors)
    assert not result.ok and "own customs district" in messages
    assert existing.uscc not in messages and existing.customs_code not in messages
    assert Enterprise.objects.count() == Enterprise.objects.filter(pk__lte=existing.pk).count()


def test_the_admin_add_page_refuses_another_district(client, world):
    client.force_login(world.officer)
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in _fields(world.foreign_office, 4).items()}
    data.update({"industry": "other", "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0})
    response = client.post(reverse("admin:enterprises_enterprise_add"), data)
    assert response.status_code == 200  # the form again, with errors
    assert not Enterprise.objects.filter(uscc=data["uscc"]).exists()
    form = response.context["adminform"].form
    assert {"district", "local_customs"} & set(form.errors)


def test_the_admin_import_page_refuses_another_district(client, world):
    client.force_login(world.officer)
    row = f"{make_uscc(710_000_009)},7100000009,x,y,{world.foreign_office.district.code},{world.foreign_office.code}"
    upload = __import__("io").BytesIO(f"{HEADER}\n{row}\n".encode())
    upload.name = "rows.csv"
    response = client.post(reverse("admin:enterprises_enterprise_import"), {"file": upload})
    assert response.status_code == 200
    assert not Enterprise.objects.filter(customs_code="7100000009").exists()
