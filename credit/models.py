"""Credit: regimes versioned by date, ratings, credit events, the abnormal business list and
self-examination against the certification standard (docs/DOMAIN.md, "Enterprises and their credit").

DOMAIN notes:
- The regime is data. ``CreditRegime.in_force_on(date)`` picks the regime whose ``effective_from`` is
  the latest on or before the date; every number of a regime (review cycle, bars, abnormal-list days,
  repair periods) is a field, so an administrator can add the next decree without code.
- The enterprise's current rating (``Enterprise.rating``) is changed only by
  ``credit.services.record_credit_event``; credit events are append-only.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.models import EnterpriseOwned
from portal.messages import render
from portal.models import BilingualNameMixin, DecisionRecord
from portal.scoping import ScopedQuerySet, ScopeRule
from portal.uploads import PrivateFile


class CreditRegime(BilingualNameMixin):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    effective_from = models.DateField(_("in force from"), unique=True)
    review_cycle_years = models.PositiveSmallIntegerField(
        _("re-certification cycle (years)"),
        help_text=_("Advanced-certified enterprises are re-certified after this many years."),
    )
    reapply_bar_months = models.PositiveSmallIntegerField(
        _("bar on re-applying after failure or downgrade (months)"), default=0
    )
    gift_bar_years = models.PositiveSmallIntegerField(
        _("bar after a downgrade for gifts to customs staff (years)"), default=3
    )
    abnormal_list_days = models.PositiveSmallIntegerField(
        _("days on the abnormal list before untrustworthy"), default=90
    )
    repair_wait_months_serious = models.PositiveSmallIntegerField(
        _("repair: months to wait (smuggling or obstruction)"), default=12
    )
    repair_wait_months_minor = models.PositiveSmallIntegerField(
        _("repair: months to wait (violation count or fines)"), default=6
    )
    auto_repair_clean_years = models.PositiveSmallIntegerField(
        _("automatic repair after clean years"), default=2
    )

    class Meta:
        verbose_name = _("credit regime")
        verbose_name_plural = _("credit regimes")
        ordering = ["-effective_from"]

    @classmethod
    def in_force_on(cls, date: datetime.date) -> CreditRegime:
        regime = cls.objects.filter(effective_from__lte=date).order_by("-effective_from").first()
        if regime is None:
            raise cls.DoesNotExist(f"no credit regime in force on {date}")
        return regime


class CreditRating(BilingualNameMixin):
    regime = models.ForeignKey(
        CreditRegime, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("regime")
    )
    code = models.SlugField(_("code"), max_length=40)
    rank = models.SmallIntegerField(
        _("rank"), help_text=_("Higher is better; used to tell raises from downgrades.")
    )
    is_aeo = models.BooleanField(_("counts as AEO"), default=False)
    gets_coordinators = models.BooleanField(_("gets a coordinator pair"), default=False)
    is_untrustworthy = models.BooleanField(_("untrustworthy"), default=False)

    class Meta:
        verbose_name = _("credit rating")
        verbose_name_plural = _("credit ratings")
        ordering = ["regime", "-rank"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "code"], name="unique_rating_code_per_regime"),
            models.UniqueConstraint(fields=["regime", "rank"], name="unique_rating_rank_per_regime"),
        ]

    def __str__(self) -> str:
        return self.name


class RatingMapping(models.Model):
    """How a rating of one regime carries over into the next regime (a change of regime is data)."""

    from_rating = models.OneToOneField(
        CreditRating, on_delete=models.CASCADE, related_name="maps_to", verbose_name=_("old rating")
    )
    to_rating = models.ForeignKey(
        CreditRating, on_delete=models.PROTECT, related_name="mapped_from", verbose_name=_("new rating")
    )

    class Meta:
        verbose_name = _("rating mapping")
        verbose_name_plural = _("rating mappings")

    def __str__(self) -> str:
        return f"{self.from_rating} → {self.to_rating}"


class CreditEventReason(models.TextChoices):
    INITIAL = "initial", _("Initial rating")
    CERTIFICATION = "certification", _("Certification")
    RECERTIFICATION = "recertification", _("Re-certification")
    DOWNGRADE = "downgrade", _("Downgrade")
    GIFT_RULE = "gift_rule", _("Downgrade: gifts or meals offered to customs staff")
    FAILED_CERTIFICATION = "failed_certification", _("Failed certification or re-certification")
    ABNORMAL_LIST = "abnormal_list", _("On the abnormal list for more than the regime's days")
    REPAIR = "repair", _("Credit repair")
    REGIME_CHANGE = "regime_change", _("Change of credit regime")
    APPEAL_CORRECTION = "appeal_correction", _("Correction after an upheld appeal")
    OTHER = "other", _("Other")


class CreditEvent(EnterpriseOwned):
    """One change of an enterprise's rating. Append-only; judged under the regime in force on its date."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="credit_events",
        verbose_name=_("enterprise"),
    )
    regime = models.ForeignKey(
        CreditRegime, on_delete=models.PROTECT, related_name="+", verbose_name=_("regime")
    )
    from_rating = models.ForeignKey(
        CreditRating,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from"),
    )
    to_rating = models.ForeignKey(
        CreditRating, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    effective_date = models.DateField(_("effective date"))
    reason = models.CharField(_("reason"), max_length=30, choices=CreditEventReason.choices)
    reason_text = models.TextField(_("reason details"), blank=True)
    # Details the system writes (the abnormal-list job, automatic repair), in the reader's language.
    reason_message = models.JSONField(_("system reason"), null=True, blank=True, editable=False)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        help_text=_("Empty when the system applied a rule (e.g. the abnormal-list job)."),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    source_key = models.CharField(
        _("source key"),
        max_length=120,
        null=True,
        blank=True,
        unique=True,
        help_text=_(
            "Makes automatic events idempotent: one event per source (e.g. per abnormal-list entry)."
        ),
    )

    class Meta:
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        ordering = ["-effective_date", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "-effective_date", "-id"], name="credit_event_history"),
            models.Index(fields=["reason", "effective_date"], name="credit_event_reason_date"),
            models.Index(fields=["district", "-effective_date", "-id"], name="credit_event_district"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.from_rating} → {self.to_rating} ({self.effective_date})"

    @property
    def reason_details(self) -> str:
        return render(self.reason_message) if self.reason_message else self.reason_text


class AbnormalReason(models.TextChoices):
    ANNUAL_REPORT = "annual_report", _("Annual credit report not submitted")
    UNREACHABLE = "unreachable", _("Not found at the registered address; contacts do not answer")
    OTHER = "other", _("Other")


class AbnormalListEntry(EnterpriseOwned):
    """An enterprise on the abnormal business list. While an entry is open the rating can't be raised."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="abnormal_entries",
        verbose_name=_("enterprise"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=AbnormalReason.choices)
    reason_text = models.TextField(_("details"), blank=True)
    reason_message = models.JSONField(_("system details"), null=True, blank=True, editable=False)
    listed_on = models.DateField(_("listed on"))
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("listed by"),
    )
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )
    cure = models.TextField(
        _("cure"), blank=True, help_text=_("How the cause was cured; required to leave the list.")
    )

    class Meta:
        verbose_name = _("abnormal-list entry")
        verbose_name_plural = _("abnormal-list entries")
        ordering = ["-listed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(removed_on__isnull=True),
                name="one_open_abnormal_entry",
            ),
            models.CheckConstraint(
                condition=models.Q(removed_on__isnull=True) | models.Q(removed_on__gte=models.F("listed_on")),
                name="abnormal_removed_after_listed",
            ),
        ]
        indexes = [
            models.Index(
                fields=["listed_on"],
                condition=models.Q(removed_on__isnull=True),
                name="abnormal_open_by_date",
            ),
            models.Index(fields=["district", "-listed_on", "-id"], name="abnormal_district"),
            # The officer's desk: the district's open entries, the longest listed first.
            models.Index(
                fields=["district", "listed_on", "id"],
                condition=models.Q(removed_on__isnull=True),
                name="abnormal_district_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} ({self.get_reason_display()}, {self.listed_on})"

    @property
    def is_open(self) -> bool:
        return self.removed_on is None

    @property
    def reason_details(self) -> str:
        return render(self.reason_message) if self.reason_message else self.reason_text


class Judgement(models.TextChoices):
    MET = "met", _("Met")
    BASICALLY_MET = "basically_met", _("Basically met")
    NOT_MET = "not_met", _("Not met")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class StandardItem(models.Model):
    """An item of the AEO certification standard (2022: 4 classes, 16 items). Data, not code."""

    class Category(models.TextChoices):
        INTERNAL_CONTROL = "internal_control", _("Internal control")
        FINANCIAL_STATUS = "financial_status", _("Financial status")
        COMPLIANCE = "compliance", _("Compliance")
        TRADE_SECURITY = "trade_security", _("Trade security")

    code = models.CharField(_("code"), max_length=10, unique=True)
    category = models.CharField(_("class"), max_length=20, choices=Category.choices)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("certification standard item")
        verbose_name_plural = _("certification standard items")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        title = self.title_en if (get_language() or "").startswith("en") else self.title_zh
        return f"{self.code} {title}"


class SelfExamination(EnterpriseOwned):
    """An AEO enterprise's self-examination against the standard's items."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="self_examinations",
        verbose_name=_("enterprise"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("self-examination")
        verbose_name_plural = _("self-examinations")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "-submitted_at"], name="selfexam_latest"),
            models.Index(fields=["district", "-submitted_at"], name="selfexam_district"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.submitted_at:%Y-%m-%d}"


class SelfExaminationAnswer(models.Model):
    scope_rule = ScopeRule(via="examination")

    examination = models.ForeignKey(
        SelfExamination, on_delete=models.CASCADE, related_name="answers", verbose_name=_("self-examination")
    )
    item = models.ForeignKey(StandardItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    judgement = models.CharField(_("judgement"), max_length=20, choices=Judgement.choices)
    evidence = models.TextField(_("evidence notes"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-examination answer")
        verbose_name_plural = _("self-examination answers")
        constraints = [models.UniqueConstraint(fields=["examination", "item"], name="one_answer_per_item")]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_judgement_display()}"

    @property
    def is_gap(self) -> bool:
        return self.judgement in (Judgement.NOT_MET, Judgement.BASICALLY_MET)


# --- The enterprise's own credit duties and the daily jobs (abnormal list, annual reports, re-certification
# --- reminders, credit repair). Rules live in credit/services/; these tables make every job idempotent by a
# --- unique constraint. -----------------------------------------------------------------------------


class AbnormalListIdentification(models.Model):
    scope_rule = ScopeRule(via="entry")

    """The daily job's outcome for one abnormal-list entry listed longer than the regime's days.

    One row per entry (unique): the job identifies an entry once, whatever runs twice or in parallel.
    ``credit_event`` is empty when the enterprise already had an untrustworthy rating or lower.
    """

    entry = models.OneToOneField(
        AbnormalListEntry,
        on_delete=models.PROTECT,
        related_name="identification",
        verbose_name=_("abnormal-list entry"),
    )
    identified_on = models.DateField(_("identified on"))
    credit_event = models.OneToOneField(
        CreditEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("credit event"),
    )
    note = models.JSONField(_("note"), default=dict, blank=True)  # portal.messages: rendered when read
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("abnormal-list identification")
        verbose_name_plural = _("abnormal-list identifications")
        ordering = ["-identified_on", "-id"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.entry} → {self.identified_on}"

    @property
    def note_text(self) -> str:
        return render(self.note)


class AnnualReport(EnterpriseOwned):
    """An enterprise's annual credit report, due between 1 January and the deadline of ``year``."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="annual_reports",
        verbose_name=_("enterprise"),
    )
    year = models.PositiveSmallIntegerField(
        _("report year"), help_text=_("The year in which the report is due.")
    )
    operating_normally = models.BooleanField(_("operating normally at the registered premises"), default=True)
    registration_unchanged = models.BooleanField(
        _("registration data unchanged or already reported"), default=True
    )
    import_export_value = models.DecimalField(
        _("import and export value last year (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    statement = models.TextField(
        _("statement"), blank=True, help_text=_("Anything customs should know about the enterprise's credit.")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("annual credit report")
        verbose_name_plural = _("annual credit reports")
        ordering = ["-year", "-submitted_at"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="one_annual_report_per_year")
        ]
        indexes = [
            models.Index(fields=["year", "-submitted_at"], name="annual_report_year"),
            models.Index(fields=["district", "year", "-submitted_at"], name="annual_report_district"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class AnnualReportCandidate(EnterpriseOwned, DecisionRecord):
    """An enterprise that missed the annual-report deadline: a candidate for the abnormal list that an
    officer confirms (then it is listed) or dismisses. One per enterprise and year."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting an officer")
        CONFIRMED = "confirmed", _("Confirmed: listed")
        DISMISSED = "dismissed", _("Dismissed")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="annual_report_candidates",
        verbose_name=_("enterprise"),
    )
    year = models.PositiveSmallIntegerField(_("report year"))
    found_on = models.DateField(_("found on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decision_note = models.TextField(_("decision note"), blank=True)
    abnormal_entry = models.OneToOneField(
        AbnormalListEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("abnormal-list entry"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("abnormal-list candidate (annual report)")
        verbose_name_plural = _("abnormal-list candidates (annual report)")
        ordering = ["-year", "enterprise_id"]
        default_permissions = ("view", "change")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="one_candidate_per_year")]
        indexes = [
            models.Index(fields=["status", "year"], name="candidate_status_year"),
            models.Index(fields=["district", "status", "year"], name="candidate_district"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year} ({self.get_status_display()})"


class RecertificationReminder(EnterpriseOwned):
    """One reminder (``offset_days`` before the due date) or overdue flag per enterprise and due date."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder before the due date")
        OVERDUE = "overdue", _("Overdue: flagged to the Management Department")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="recertification_reminders",
        verbose_name=_("enterprise"),
    )
    due_date = models.DateField(_("re-certification due"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REMINDER)
    offset_days = models.PositiveSmallIntegerField(_("days before the due date"), default=0)
    sent_on = models.DateField(_("sent on"))
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("re-certification reminder")
        verbose_name_plural = _("re-certification reminders")
        ordering = ["-sent_on", "-id"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "due_date", "kind", "offset_days"],
                name="one_reminder_per_due_date_offset",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.due_date} −{self.offset_days}"


class UntrustworthyCause(models.TextChoices):
    """Why an enterprise was found untrustworthy: decides how long it waits before applying for repair."""

    SMUGGLING = "smuggling", _("Smuggling crime or smuggling act")
    OBSTRUCTION = "obstruction", _("Obstructing customs administration")
    VIOLATION_COUNT = "violation_count", _("Number of customs violations")
    FINES = "fines", _("Fines, unpaid fines or unpaid taxes")
    ABNORMAL_LIST = "abnormal_list", _("On the abnormal list for too long")
    OTHER = "other", _("Other")


class UntrustworthyFinding(models.Model):
    scope_rule = ScopeRule(via="event")

    """The cause recorded for a downgrade to untrustworthy (one per credit event)."""

    event = models.OneToOneField(
        CreditEvent,
        on_delete=models.PROTECT,
        related_name="untrustworthy_finding",
        verbose_name=_("credit event"),
    )
    cause = models.CharField(_("cause"), max_length=20, choices=UntrustworthyCause.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("cause of an untrustworthy finding")
        verbose_name_plural = _("causes of untrustworthy findings")
        default_permissions = ("view", "add")

    def __str__(self) -> str:
        return f"{self.event_id}: {self.get_cause_display()}"


class RepairApplication(EnterpriseOwned, DecisionRecord):
    """An untrustworthy enterprise applies for credit repair; an officer decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="repair_applications",
        verbose_name=_("enterprise"),
    )
    statement = models.TextField(
        _("statement"), help_text=_("What the enterprise has done to correct the cause.")
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("applied by")
    )
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    credit_event = models.OneToOneField(
        CreditEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("credit event"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit repair application")
        verbose_name_plural = _("credit repair applications")
        ordering = ["-applied_at", "-id"]
        default_permissions = ("view", "change")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(status="pending"),
                name="one_pending_repair_application",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-applied_at"], name="repair_status"),
            models.Index(fields=["district", "status", "-applied_at"], name="repair_district"),
        ]

    def __str__(self) -> str:
        # Dated in local time: an application made at 07:00 in Beijing is dated that day, not the day before.
        return (
            f"{self.enterprise} {timezone.localtime(self.applied_at):%Y-%m-%d} ({self.get_status_display()})"
        )


class RepairApplicationAttachment(PrivateFile):
    """A document supporting a credit-repair application (a payment receipt, a rectification report):
    checked and kept by ``portal.uploads``; seen by whoever sees the application."""

    UPLOAD_PREFIX = "repair"

    application = models.ForeignKey(
        RepairApplication,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("repair application"),
    )

    scope_rule = ScopeRule(via="application")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("repair application attachment")
        verbose_name_plural = _("repair application attachments")
        ordering = ["uploaded_at", "id"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["application", "uploaded_at"], name="repair_attachment")]


class SelfExaminationEvidence(PrivateFile):
    """A file of evidence for one item of a self-examination (as a security profile documents each
    criterion): the policy, the record, the photograph that shows the item is met."""

    UPLOAD_PREFIX = "self-examination"

    answer = models.ForeignKey(
        SelfExaminationAnswer,
        on_delete=models.PROTECT,
        related_name="evidence_files",
        verbose_name=_("self-examination answer"),
    )

    scope_rule = ScopeRule(via="answer")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-examination evidence")
        verbose_name_plural = _("self-examination evidence")
        ordering = ["uploaded_at", "id"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["answer", "uploaded_at"], name="selfexam_evidence")]
