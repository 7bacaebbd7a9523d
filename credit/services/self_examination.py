"""Self-examination against the AEO certification standard (docs/DOMAIN.md: "AEO enterprises should
self-examine (internal audit) against the certification standards").

Rules (our readings where marked):
- Only an advanced-certified or certified enterprise (``rating.is_aeo``) self-examines, and only its
  active members submit.
- Every active item of the standard (``StandardItem``) is judged once: met / basically met / not met /
  not applicable. A judgement other than "met" needs evidence notes saying what is missing or why the
  item does not apply (our reading: a gap without a description helps nobody).
- The gaps of an examination are its items judged "not met" or "basically met".
- Customs staff see the latest self-examination of each enterprise they may see
  (``with_latest_self_examination`` annotates a queryset of enterprises in SQL, no loop).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from credit.models import (
    Judgement,
    SelfExamination,
    SelfExaminationAnswer,
    SelfExaminationEvidence,
    StandardItem,
)
from enterprises.models import Enterprise, Membership
from portal import uploads
from portal.exceptions import DomainError, PermissionDeniedError

GAP_JUDGEMENTS = (Judgement.NOT_MET, Judgement.BASICALLY_MET)
NEEDS_EVIDENCE = (Judgement.NOT_MET, Judgement.BASICALLY_MET, Judgement.NOT_APPLICABLE)


class SelfExaminationError(DomainError):
    """A refused self-examination; ``item_codes`` names the items concerned (for form errors)."""

    def __init__(self, message, *, item_codes: list[str] | None = None):
        super().__init__(message)
        self.item_codes = item_codes or []


def active_items() -> list[StandardItem]:
    return list(StandardItem.objects.filter(active=True).order_by("position", "code"))


@transaction.atomic
def submit_self_examination(
    *, enterprise, submitted_by, answers: Mapping[str, tuple[str, str]], evidence_files=None
) -> SelfExamination:
    """Record a self-examination. ``answers`` maps each item code to (judgement, evidence notes);
    ``evidence_files`` maps an item code to the files that evidence it (checked by ``portal.uploads``,
    as a security profile documents each criterion)."""

    if not Membership.objects.filter(
        enterprise=enterprise, user=submitted_by, ended_at__isnull=True
    ).exists():
        raise PermissionDeniedError(_("Only members of the enterprise submit its self-examination."))
    enterprise = Enterprise.objects.select_related("rating").get(pk=enterprise.pk)
    if enterprise.rating is None or not enterprise.rating.is_aeo:
        raise SelfExaminationError(
            _("Self-examination against the certification standard is for certified (AEO) enterprises.")
        )
    items = active_items()
    codes = {item.code for item in items}
    unknown = sorted(set(answers) - codes)
    if unknown:
        raise SelfExaminationError(
            _("Unknown items of the standard: %(codes)s.") % {"codes": ", ".join(unknown)}, item_codes=unknown
        )
    missing = [item.code for item in items if item.code not in answers]
    if missing:
        raise SelfExaminationError(
            _("Judge every item of the standard; missing: %(codes)s.") % {"codes": ", ".join(missing)},
            item_codes=missing,
        )
    invalid = [code for code, (judgement, _evidence) in answers.items() if judgement not in Judgement.values]
    if invalid:
        raise SelfExaminationError(
            _("Choose met, basically met, not met or not applicable for: %(codes)s.")
            % {"codes": ", ".join(invalid)},
            item_codes=invalid,
        )
    unexplained = [
        item.code
        for item in items
        if answers[item.code][0] in NEEDS_EVIDENCE and not (answers[item.code][1] or "").strip()
    ]
    if unexplained:
        raise SelfExaminationError(
            _("Describe what is missing (or why the item does not apply) for: %(codes)s.")
            % {"codes": ", ".join(unexplained)},
            item_codes=unexplained,
        )
    evidence_files = {code: files for code, files in (evidence_files or {}).items() if files}
    stray = sorted(set(evidence_files) - codes)
    if stray:
        raise SelfExaminationError(
            _("Unknown items of the standard: %(codes)s.") % {"codes": ", ".join(stray)}, item_codes=stray
        )
    checked = {}
    for code, files in evidence_files.items():
        try:
            checked[code] = uploads.check_uploads(files)
        except uploads.AttachmentError as exc:
            raise SelfExaminationError(f"{code}: {exc.message}", item_codes=[code]) from None
    examination = SelfExamination.objects.create(enterprise=enterprise, submitted_by=submitted_by)
    created = SelfExaminationAnswer.objects.bulk_create(
        SelfExaminationAnswer(
            examination=examination,
            item=item,
            judgement=answers[item.code][0],
            evidence=(answers[item.code][1] or "").strip(),
        )
        for item in items
    )
    by_code = {answer.item.code: answer for answer in created}
    for code, files in checked.items():
        for item in files:
            SelfExaminationEvidence.from_checked(item, uploaded_by=submitted_by, answer=by_code[code])
    return examination


def latest_self_examination(enterprise) -> SelfExamination | None:
    return (
        SelfExamination.objects.select_related("submitted_by")
        .filter(enterprise=enterprise)
        .order_by("-submitted_at", "-id")
        .first()
    )


def gaps(examination: SelfExamination) -> list[SelfExaminationAnswer]:
    """The items judged "not met" or "basically met", in the standard's order."""
    return list(
        examination.answers.select_related("item")
        .filter(judgement__in=GAP_JUDGEMENTS)
        .order_by("item__position", "item__code")
    )


def with_gap_count(queryset: QuerySet) -> QuerySet:
    """Annotate self-examinations with ``gap_count``."""
    return queryset.annotate(gap_count=Count("answers", filter=Q(answers__judgement__in=GAP_JUDGEMENTS)))


def with_latest_self_examination(enterprises: QuerySet) -> QuerySet:
    """Annotate enterprises with ``latest_selfexam_id``, ``latest_selfexam_at`` and ``latest_gap_count``
    (the id is None when the enterprise never self-examined). Uses the ``selfexam_latest`` index."""
    latest = SelfExamination.objects.filter(enterprise=OuterRef("pk")).order_by("-submitted_at", "-id")
    gap_count = (
        SelfExaminationAnswer.objects.filter(
            examination_id=OuterRef("latest_selfexam_id"), judgement__in=GAP_JUDGEMENTS
        )
        .order_by()
        .values("examination_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return enterprises.annotate(
        latest_selfexam_id=Subquery(latest.values("pk")[:1]),
        latest_selfexam_at=Subquery(latest.values("submitted_at")[:1]),
    ).annotate(latest_gap_count=Coalesce(Subquery(gap_count, output_field=IntegerField()), Value(0)))
