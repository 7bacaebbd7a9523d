"""Customs' compliance assessment of AEO enterprises (docs/DOMAIN.md, "Compliance assessment").

The enterprise's coordinator pair assesses it periodically against the items of the certification
standard (``credit.StandardItem``), beside the enterprise's own latest self-examination; both
coordinators sign; items judged "not met" become improvement actions the enterprise answers.

DOMAIN notes (our readings):
- One ``AssessmentPolicy`` per district says how often (``interval_months``, default 12) and how early
  the pair is reminded; a district without a row uses the defaults of the fields below.
- ``AssessmentSchedule`` keeps, per enterprise, when its next assessment is due: ``interval_months``
  after its last signed assessment, or after the start of its *first* coordinator pair if it was never
  assessed — a change of pair (rotation, recusal, replacement) never postpones an assessment.
- At most one unsigned assessment per enterprise (``one_open_assessment_per_enterprise``). A change of
  pair cancels it (kept, for customs only): both signatures must come from one pair that saw the same
  content.
- The enterprise sees an assessment and its improvement actions only once both coordinators signed
  (``Assessment.scope_restrict``, ``ImprovementAction.scope_restrict``).
- Signatures and the enterprise's responses are rows of their own, timestamped, never changed; the
  coordinators' review of a response (accepted / reopened) is written once.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from credit.models import Judgement
from enterprises.models import EnterpriseOwned
from portal.scoping import Scope, ScopedQuerySet, ScopeRule
from portal.uploads import PrivateFile


class AssessmentPolicy(models.Model):
    """A district's setting of the compliance assessment; edited by managers in the admin."""

    district = models.OneToOneField(
        "portal.District",
        on_delete=models.PROTECT,
        related_name="assessment_policy",
        verbose_name=_("district"),
    )
    interval_months = models.PositiveSmallIntegerField(
        _("assessment every (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Each AEO enterprise is assessed this many months after its last signed assessment."),
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind the pair (days before)"),
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_("The coordinator pair is told this many days before an assessment falls due."),
    )

    history = HistoricalRecords()
    scope_rule = ScopeRule(enterprise=None, district="district")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("compliance assessment policy")
        verbose_name_plural = _("compliance assessment policies")
        ordering = ["district"]

    def __str__(self) -> str:
        return str(self.district)


class AssessmentSchedule(EnterpriseOwned):
    """When an enterprise's next assessment is due (one row per enterprise; see the module docstring).
    Written by the daily job (enterprises newly paired) and by the signing service; ``remind_on`` and
    ``notice_step`` let the daily job find what to announce through indexes."""

    class Step(models.TextChoices):
        NONE = "", _("Not yet announced")
        DUE_SOON = "soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="assessment_schedule",
        verbose_name=_("enterprise"),
    )
    counts_from = models.DateField(_("counted from"))
    assessed = models.BooleanField(
        _("counted from an assessment"),
        default=False,
        help_text=_("False: counted from the start of the enterprise's first coordinator pair."),
    )
    due_on = models.DateField(_("next assessment due"))
    remind_on = models.DateField(_("remind on"))
    notice_step = models.CharField(
        _("announced"), max_length=10, choices=Step.choices, blank=True, default=Step.NONE
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment schedule")
        verbose_name_plural = _("assessment schedules")
        indexes = [
            # The daily job: what to announce (never announced and in the reminder window; or overdue).
            models.Index(fields=["remind_on", "id"], condition=Q(notice_step=""), name="assess_sched_remind"),
            models.Index(
                fields=["due_on", "id"], condition=~Q(notice_step="overdue"), name="assess_sched_due"
            ),
            # Officers: their district's assessments by due date.
            models.Index(fields=["district", "due_on"], name="assess_sched_district"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} → {self.due_on}"


class AssessmentQuerySet(ScopedQuerySet):
    def open(self) -> AssessmentQuerySet:
        return self.filter(state__in=Assessment.OPEN_STATES)

    def signed(self) -> AssessmentQuerySet:
        return self.filter(state=Assessment.State.SIGNED)


class Assessment(EnterpriseOwned):
    """One compliance assessment of an enterprise by its coordinator pair (docs/DOMAIN.md)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING_PARTNER = "awaiting_partner", _("Awaiting the partner's signature")
        SIGNED = "signed", _("Signed")
        CANCELLED = "cancelled", _("Cancelled (the pair changed)")

    OPEN_STATES = (State.DRAFT, State.AWAITING_PARTNER)

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("enterprise"),
    )
    coordinator_a = models.ForeignKey(
        "coordinators.Coordinator", on_delete=models.PROTECT, related_name="+", verbose_name=_("coordinator")
    )
    coordinator_b = models.ForeignKey(
        "coordinators.Coordinator",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("second coordinator"),
    )
    self_examination = models.ForeignKey(
        "credit.SelfExamination",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("self-examination compared"),
        help_text=_("The enterprise's latest self-examination when the assessment was started."),
    )
    assessed_on = models.DateField(_("assessment date"))
    summary = models.TextField(_("overall conclusion"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed at"), default=timezone.now)
    signed_at = models.DateTimeField(_("signed by both at"), null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()  # type: ignore[misc]

    @classmethod
    def scope_restrict(cls, scope: Scope, prefix: str = "") -> Q | None:
        """The enterprise sees an assessment only once both coordinators signed it."""
        if scope.is_customs:
            return None
        return Q(**{f"{prefix}state": cls.State.SIGNED})

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compliance assessment")
        verbose_name_plural = _("compliance assessments")
        ordering = ["-written_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(state__in=["draft", "awaiting_partner"]),
                name="one_open_assessment_per_enterprise",
            ),
            models.CheckConstraint(
                condition=Q(coordinator_a__lt=F("coordinator_b")), name="assessment_by_two_coordinators"
            ),
            models.CheckConstraint(
                condition=~Q(state="signed") | Q(signed_at__isnull=False), name="signed_assessment_has_date"
            ),
        ]
        indexes = [
            # The enterprise file: its signed assessments, newest first.
            models.Index(fields=["enterprise", "-signed_at"], name="assess_ent_signed"),
            # The API and lists: newest first per enterprise or district.
            models.Index(fields=["enterprise", "-id"], name="assess_ent_id"),
            models.Index(fields=["district", "-id"], name="assess_district_id"),
            models.Index(fields=["district", "state", "-written_at"], name="assess_district_state"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.assessed_on:%Y-%m-%d}"

    @property
    def coordinator_user_ids(self) -> set[int]:
        return {self.coordinator_a.user_id, self.coordinator_b.user_id}

    def signature_of(self, user) -> AssessmentSignature | None:
        return next((s for s in self.signatures.all() if s.signer_id == user.pk), None)

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class AssessmentAnswer(models.Model):
    """The pair's judgement of one item of the standard, with evidence and notes."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name=_("assessment")
    )
    item = models.ForeignKey(
        "credit.StandardItem", on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    judgement = models.CharField(_("judgement"), max_length=20, choices=Judgement.choices)
    evidence = models.TextField(_("evidence"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    scope_rule = ScopeRule(via="assessment")
    objects = ScopedQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment answer")
        verbose_name_plural = _("assessment answers")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="one_assessment_answer_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_judgement_display()}"


class AssessmentSignature(models.Model):
    """One coordinator's signature of an assessment: timestamped, one per coordinator, never changed."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("assessment")
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)

    scope_rule = ScopeRule(via="assessment")
    objects = ScopedQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment signature")
        verbose_name_plural = _("assessment signatures")
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "signer"], name="one_assessment_signature_per_signer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signer} {self.signed_at:%Y-%m-%d %H:%M}"


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("improvement action", "Open")
    ANSWERED = "answered", _("Answered, awaiting customs")
    ACCEPTED = "accepted", pgettext_lazy("improvement action", "Accepted")
    REOPENED = "reopened", _("Reopened")


#: Statuses in which the enterprise owes an answer (the action's due date runs).
OWED_STATUSES = (ActionStatus.OPEN, ActionStatus.REOPENED)


class ImprovementActionQuerySet(ScopedQuerySet):
    def owed(self) -> ImprovementActionQuerySet:
        return self.filter(status__in=OWED_STATUSES)

    def overdue(self, today: datetime.date | None = None) -> ImprovementActionQuerySet:
        return self.owed().filter(due_on__lt=today or timezone.localdate())


class ImprovementAction(EnterpriseOwned):
    """What the enterprise must do about an item judged "not met": a description, who at the enterprise
    owns it (a named person or role, free text) and a due date after the assessment date."""

    class Step(models.TextChoices):
        NONE = "", _("Not yet announced")
        DUE_SOON = "soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        ESCALATED = "escalated", _("Escalated")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="improvement_actions",
        verbose_name=_("enterprise"),
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="actions", verbose_name=_("assessment")
    )
    item = models.ForeignKey(
        "credit.StandardItem", on_delete=models.PROTECT, related_name="+", verbose_name=_("item")
    )
    description = models.TextField(_("improvement action"))
    owner = models.CharField(
        _("owner at the enterprise"),
        max_length=100,
        help_text=_("A named person or role, e.g. “关务经理 王芳”."),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    notice_step = models.CharField(
        _("announced"), max_length=10, choices=Step.choices, blank=True, default=Step.NONE
    )

    objects = ImprovementActionQuerySet.as_manager()  # type: ignore[misc]

    @classmethod
    def scope_restrict(cls, scope: Scope, prefix: str = "") -> Q | None:
        """The enterprise sees the actions of signed assessments only."""
        if scope.is_customs:
            return None
        return Q(**{f"{prefix}assessment__state": Assessment.State.SIGNED})

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        ordering = ["due_on", "id"]
        indexes = [
            # The enterprise's open actions, soonest first; the daily job's candidates.
            models.Index(fields=["enterprise", "status", "due_on"], name="action_ent_status_due"),
            models.Index(
                fields=["due_on", "id"],
                condition=Q(status__in=["open", "reopened"]) & ~Q(notice_step="escalated"),
                name="action_owed_due",
            ),
            # Officers: the district's actions by state and due date (the admin's filters).
            models.Index(fields=["district", "status", "due_on"], name="action_district_status_due"),
            models.Index(fields=["district", "-id"], name="action_district_id"),
            models.Index(fields=["enterprise", "-id"], name="action_ent_id"),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status in OWED_STATUSES and self.due_on < (today or timezone.localdate())


class ActionResponse(models.Model):
    """The enterprise's answer to an improvement action (text and files). Every response is kept; the
    pair's review (accepted, or reopened with a comment) is written once."""

    class Review(models.TextChoices):
        ACCEPTED = "accepted", pgettext_lazy("improvement action", "Accepted")
        REOPENED = "reopened", _("Reopened")

    action = models.ForeignKey(
        ImprovementAction, on_delete=models.PROTECT, related_name="responses", verbose_name=_("action")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("answered by")
    )
    text = models.TextField(_("answer"))
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)
    review = models.CharField(_("customs' review"), max_length=10, choices=Review.choices, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    scope_rule = ScopeRule(via="action")
    objects = ScopedQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("response to an improvement action")
        verbose_name_plural = _("responses to improvement actions")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(review="reopened") | ~Q(review_comment=""), name="reopening_has_a_comment"
            ),
            models.CheckConstraint(
                condition=Q(review="") | Q(reviewed_at__isnull=False), name="review_has_a_date"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ActionFile(PrivateFile):
    """A file the enterprise attached to a response (portal.uploads)."""

    UPLOAD_PREFIX = "compliance"

    response = models.ForeignKey(
        ActionResponse, on_delete=models.PROTECT, related_name="files", verbose_name=_("response")
    )

    scope_rule = ScopeRule(via="response")
    objects = ScopedQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("improvement action file")
        verbose_name_plural = _("improvement action files")
        ordering = ["uploaded_at", "id"]
