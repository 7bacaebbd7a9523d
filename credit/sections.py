"""What credit shows in the enterprise file (``portal.registry.enterprise_file``): the credit history
with the abnormal list, annual reports and credit repair; the self-examinations; and credit's documents
(repair applications' files, self-examination evidence) for the "Documents" section. Every read goes
through ``visible_to(viewer)`` and is bounded."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.models import (
    AbnormalListEntry,
    AnnualReport,
    CreditEvent,
    RepairApplication,
    RepairApplicationAttachment,
    SelfExamination,
    SelfExaminationEvidence,
)
from credit.services import repair
from credit.services.self_examination import with_gap_count
from portal.registry import Document

SHOWN = 20


def credit(enterprise, viewer) -> dict:
    return {
        "enterprise": enterprise,
        "events": list(
            CreditEvent.objects.visible_to(viewer)
            .filter(enterprise=enterprise)
            .select_related("from_rating", "to_rating", "regime", "actor")
            .order_by("-effective_date", "-id")[:SHOWN]
        ),
        "abnormal_entries": list(
            AbnormalListEntry.objects.visible_to(viewer)
            .filter(enterprise=enterprise)
            .order_by("-listed_on")[:10]
        ),
        "reports": list(
            AnnualReport.objects.visible_to(viewer).filter(enterprise=enterprise).order_by("-year")[:5]
        ),
        "applications": list(
            RepairApplication.objects.visible_to(viewer)
            .filter(enterprise=enterprise)
            .prefetch_related("attachments")
            .order_by("-applied_at", "-id")[:5]
        ),
        "eligibility": repair.repair_eligibility(enterprise, on=timezone.localdate()),
    }


def self_examinations(enterprise, viewer) -> dict | None:
    if (
        not (enterprise.rating_id and enterprise.rating.is_aeo)
        and not SelfExamination.objects.filter(enterprise=enterprise).exists()
    ):
        return None
    return {
        "examinations": list(
            with_gap_count(SelfExamination.objects.visible_to(viewer).filter(enterprise=enterprise))
            .select_related("submitted_by")
            .order_by("-submitted_at", "-id")[:5]
        )
    }


def repair_documents(enterprise, viewer, limit: int) -> list[Document]:
    rows = (
        RepairApplicationAttachment.objects.visible_to(viewer)
        .filter(application__enterprise=enterprise)
        .order_by("-uploaded_at", "-id")[:limit]
    )
    here = reverse("enterprises:file", args=[enterprise.pk]) + "#section-credit"
    return [
        Document(
            r.original_name,
            _("Credit repair application"),
            r.uploaded_at,
            r.size,
            reverse("credit:repair_attachment", args=[r.pk]),
            here,
        )
        for r in rows
    ]


def evidence_documents(enterprise, viewer, limit: int) -> list[Document]:
    rows = (
        SelfExaminationEvidence.objects.visible_to(viewer)
        .filter(answer__examination__enterprise=enterprise)
        .select_related("answer__item")
        .order_by("-uploaded_at", "-id")[:limit]
    )
    return [
        Document(
            r.original_name,
            _("Self-examination evidence: %(item)s") % {"item": r.answer.item.code},
            r.uploaded_at,
            r.size,
            reverse("credit:evidence_file", args=[r.pk]),
            reverse("credit:selfexam_detail", args=[r.answer.examination_id]),
        )
        for r in rows
    ]
