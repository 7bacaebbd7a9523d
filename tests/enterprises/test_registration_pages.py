"""The enterprise's "Registration data" page and its change proposal form."""

from django.urls import reverse

from enterprises import services
from enterprises.models import RegistrationChange
from tests.factories import UserFactory, member


def test_registration_page_highlights_the_contact_person_and_shows_their_history(client, world):
    enterprise = world.new_enterprise(registered_address="北京市朝阳区1号")
    former = member(enterprise, full_name="前任联络员")
    current = UserFactory(full_name="现任联络员")
    services.designate_contact_person(enterprise=enterprise, user=current, position="副总裁")
    client.force_login(former)  # kept as staff
    html = client.get(reverse("enterprises:registration", args=[enterprise.pk])).content.decode()
    contact_block = html.split('data-testid="contact-person"')[1].split("</li>")[0]
    assert "现任联络员" in contact_block
    history = html.split('data-testid="contact-history"')[1].split("</ul>")[0]
    assert "前任联络员" in history and "现任联络员" in history
    assert "北京市朝阳区1号" in html


def test_registration_page_shows_submissions_with_before_and_after(client, world):
    enterprise = world.new_enterprise(phone="010-1")
    user = member(enterprise)
    change = services.submit_registration_change(
        enterprise=enterprise, submitted_by=user, new_values={"phone": "010-2"}
    )
    services.decide_registration_change(change=change, actor=world.officer, accept=False, note="号码无法接通")
    services.submit_registration_change(
        enterprise=enterprise, submitted_by=user, new_values={"phone": "010-3"}
    )
    client.force_login(user)
    html = client.get(reverse("enterprises:registration", args=[enterprise.pk])).content.decode()
    assert html.count('data-testid="registration-change"') == 2
    assert 'data-status="pending"' in html and 'data-status="rejected"' in html
    assert "010-1" in html and "010-2" in html and "010-3" in html
    assert "号码无法接通" in html


def test_proposing_a_change_through_the_form_creates_a_pending_submission(client, world):
    enterprise = world.new_enterprise(registered_address="旧址")
    user = member(enterprise)
    client.force_login(user)
    url = reverse("enterprises:propose_change", args=[enterprise.pk])
    form = client.get(url).context["form"]
    data = {
        name: ("" if value is None else value) for name, value in form.initial.items() if name in form.fields
    }
    data.update(registered_address="新址", note="搬迁")
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302
    change = RegistrationChange.objects.get(enterprise=enterprise)
    assert change.changes == {"registered_address": ["旧址", "新址"]}
    assert change.note == "搬迁" and change.submitted_by == user
    enterprise.refresh_from_db()
    assert enterprise.registered_address == "旧址"


def test_form_shows_the_services_refusal_and_creates_nothing(client, world):
    enterprise = world.new_enterprise()
    client.force_login(member(enterprise))
    url = reverse("enterprises:propose_change", args=[enterprise.pk])
    form = client.get(url).context["form"]
    data = {
        name: ("" if value is None else value) for name, value in form.initial.items() if name in form.fields
    }
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(url, data)  # nothing changed
    assert response.status_code == 200
    assert "Nothing would change" in response.content.decode() or response.context["form"].non_field_errors()
    assert not RegistrationChange.objects.exists()


def test_form_rejects_an_invalid_email_without_creating_a_submission(client, world):
    enterprise = world.new_enterprise()
    client.force_login(member(enterprise))
    url = reverse("enterprises:propose_change", args=[enterprise.pk])
    response = client.post(
        url, {"name_zh": enterprise.name_zh, "registered_address": "x", "industry": "other", "email": "bad"}
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not RegistrationChange.objects.exists()
