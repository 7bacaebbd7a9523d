"""Documents everywhere they are needed, through the one uploads module: registration changes, repair
applications, self-examination evidence per item, announcements and visit records. Each is uploaded
through its page, downloaded by whoever may see the owning object (others get 404), and a file whose
content is not what its name says is refused with a clear message and changes nothing."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from coordination import services as requests
from coordination.models import SiteVisit, VisitAttachment
from credit.models import (
    CreditEventReason,
    Judgement,
    RepairApplication,
    RepairApplicationAttachment,
    SelfExamination,
    SelfExaminationEvidence,
    StandardItem,
    UntrustworthyCause,
)
from credit.services import record_credit_event, repair
from enterprises.models import RegistrationChange, RegistrationChangeAttachment
from outreach.models import Announcement, AnnouncementAttachment
from tests.factories import member, rated_enterprise, rating
from tests.world import PDF, pdf

pytestmark = pytest.mark.django_db

REFUSED = "the content is not a valid .pdf file"


def renamed_executable(name: str = "营业执照.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00\x03\x00\x00\x00" * 8, content_type="application/pdf")


def downloads(client, user, url) -> int:
    client.force_login(user)
    response = client.get(url)
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == PDF
        assert "no-store" in response["Cache-Control"]
    return response.status_code


def change_form_data(client, enterprise, **changes) -> dict:
    url = reverse("enterprises:propose_change", args=[enterprise.pk])
    form = client.get(url).context["form"]
    data = {name: ("" if v is None else v) for name, v in form.initial.items() if name in form.fields}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def test_a_registration_change_carries_its_documents(client, world):
    url = reverse("enterprises:propose_change", args=[world.enterprise.pk])
    client.force_login(world.contact)
    data = change_form_data(client, world.enterprise, registered_address="新址一号", note="新营业执照")
    refused = client.post(url, {**data, "attachments": [renamed_executable()]})
    assert refused.status_code == 200 and REFUSED in refused.content.decode()
    assert not RegistrationChange.objects.exists()

    assert client.post(url, {**data, "attachments": [pdf("营业执照.pdf")]}).status_code == 302
    stored = RegistrationChangeAttachment.objects.get(change__enterprise=world.enterprise)
    assert stored.original_name == "营业执照.pdf" and stored.uploaded_by == world.contact
    file_url = reverse("enterprises:attachment", args=[stored.pk])
    assert downloads(client, world.contact, file_url) == 200
    assert downloads(client, world.officer, file_url) == 200
    assert downloads(client, world.coordinator.user, file_url) == 200
    assert downloads(client, world.other_contact, file_url) == 404
    assert downloads(client, world.foreign_officer, file_url) == 404
    client.force_login(world.officer)
    page = client.get(reverse("enterprises:file", args=[world.enterprise.pk])).content.decode()
    assert file_url in page


def untrustworthy_for_fines():
    today = timezone.localdate()
    enterprise = rated_enterprise("regular", on=today - datetime.timedelta(days=210))
    event = record_credit_event(
        enterprise=enterprise,
        to_rating=rating("untrustworthy"),
        effective_date=today - datetime.timedelta(days=200),
        reason=CreditEventReason.DOWNGRADE,
    )
    repair.record_cause(event=event, cause=UntrustworthyCause.FINES, actor=None)
    enterprise.refresh_from_db()
    return enterprise


def test_a_repair_application_carries_the_payment_receipt(client, world):
    enterprise = untrustworthy_for_fines()
    applicant = member(enterprise)
    client.force_login(applicant)
    url = reverse("credit:apply_repair")
    refused = client.post(url, {"statement": "罚款已缴清", "attachments": [renamed_executable("回单.pdf")]})
    assert refused.status_code == 400 and REFUSED in refused.content.decode()
    assert not RepairApplication.objects.exists()

    client.post(url, {"statement": "罚款已缴清", "attachments": [pdf("缴款回单.pdf")]})
    stored = RepairApplicationAttachment.objects.get(application__enterprise=enterprise)
    file_url = reverse("credit:repair_attachment", args=[stored.pk])
    assert file_url in client.get(reverse("credit:home")).content.decode()
    assert downloads(client, applicant, file_url) == 200
    assert downloads(client, world.contact, file_url) == 404


def selfexam_data(**files) -> dict:
    data: dict = {}
    for item in StandardItem.objects.filter(active=True):
        data[f"judgement_{item.code}"] = Judgement.MET
        data[f"evidence_{item.code}"] = ""
    data.update({f"files_{code}": f for code, f in files.items()})
    return data


def test_self_examination_evidence_is_kept_per_item(client, world):
    client.force_login(world.contact)
    url = reverse("credit:selfexam_new")
    refused = client.post(url, selfexam_data(TS4=[renamed_executable("承运商评估.pdf")]))
    assert REFUSED in refused.content.decode()
    assert not SelfExamination.objects.exists()

    client.post(url, selfexam_data(TS4=[pdf("承运商评估.pdf")], IC2=[pdf("内控制度.pdf")]))
    exam = SelfExamination.objects.get(enterprise=world.enterprise)
    by_item = dict(
        SelfExaminationEvidence.objects.filter(answer__examination=exam).values_list(
            "answer__item__code", "original_name"
        )
    )
    assert by_item == {"TS4": "承运商评估.pdf", "IC2": "内控制度.pdf"}
    page = client.get(reverse("credit:selfexam_detail", args=[exam.pk])).content.decode()
    assert 'data-testid="evidence-files-TS4"' in page and "承运商评估.pdf" in page
    evidence = SelfExaminationEvidence.objects.get(original_name="承运商评估.pdf")
    file_url = reverse("credit:evidence_file", args=[evidence.pk])
    assert downloads(client, world.contact, file_url) == 200
    assert downloads(client, world.coordinator.user, file_url) == 200
    assert downloads(client, world.other_contact, file_url) == 404


def test_an_announcement_carries_its_files_to_its_audience_only(client, world):
    client.force_login(world.manager)
    url = reverse("outreach:announcement_create")
    data = {"kind": "notice", "title": "关于申报的通知", "body": "详见附件", "publish": "on"}
    data["district"] = world.district.pk
    refused = client.post(url, {**data, "attachments": [renamed_executable("通知.pdf")]})
    assert refused.status_code == 200 and REFUSED in refused.content.decode()
    assert not Announcement.objects.exists()

    response = client.post(url, {**data, "attachments": [pdf("通知全文.pdf")]})
    assert response.status_code == 302, response.content
    stored = AnnouncementAttachment.objects.get()
    file_url = reverse("outreach:announcement_attachment", args=[stored.pk])
    client.force_login(world.contact)
    assert file_url in client.get(response["Location"]).content.decode()
    assert downloads(client, world.contact, file_url) == 200
    assert downloads(client, world.other_contact, file_url) == 404


def test_a_visit_record_carries_its_files(client, world):
    when = timezone.now() + datetime.timedelta(days=2)
    visit = requests.schedule_site_visit(
        request=world.file_request(),
        actor=world.coordinator.user,
        coordinators=[world.coordinator, world.partner],
        scheduled_for=when,
        place="一号仓库",
        purpose="核查",
    )
    record = {
        "attendees": "王协调\n李协调",
        "findings": "单证齐全",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
    }
    url = reverse("coordination:record_visit", args=[visit.pk])
    with time_machine.travel(when + datetime.timedelta(hours=3)):
        client.force_login(world.coordinator.user)
        refused = client.post(url, {**record, "attachments": [renamed_executable("现场照片.pdf")]})
        assert REFUSED in refused.content.decode()
        assert SiteVisit.objects.get(pk=visit.pk).status != "done"
        client.post(url, {**record, "attachments": [pdf("现场核查记录.pdf")]})
    stored = VisitAttachment.objects.get(record__visit=visit)
    file_url = reverse("coordination:visit_attachment", args=[stored.pk])
    client.force_login(world.partner.user)
    assert file_url in client.get(reverse("coordination:visit_detail", args=[visit.pk])).content.decode()
    assert downloads(client, world.partner.user, file_url) == 200
    assert downloads(client, world.spare.user, file_url) == 404
    assert downloads(client, world.other_contact, file_url) == 404
