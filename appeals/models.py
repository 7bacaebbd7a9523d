"""Appeals: an enterprise contests a customs decision or complains about a coordinator's conduct
(docs/DOMAIN.md, "The seven services": 2. hearing and reporting reasonable appeals; "Coordinators":
disqualification grounds).

DOMAIN notes (our readings, tested in tests/appeals/):
- An appeal has a deadline in working days that depends on its type (``appeals.conf``); an open appeal
  past its deadline is *overdue* and is escalated (first the local customs' leader, then the
  Management Department) by ``appeals.jobs.escalate_overdue_appeals``.
- Appeals about a coordinator's conduct are the *integrity channel*: only the Management Department of
  the enterprise's district (and the enterprise that filed it) ever sees them — never the coordinator
  concerned, other coordinators or ordinary officers. ``Appeal.objects.visible_to`` is the one rule.
- The status changes only through ``appeals.services`` (one transition table); every change is an
  append-only ``AppealEvent`` and the row itself keeps a simple-history record. Nothing is deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.deadlines import CUSTOMS, Deadline
from portal.messages import render, text
from portal.models import DecisionRecord, never_deleted
from portal.scoping import Scope, ScopedQuerySet, ScopeRule
from portal.uploads import PrivateFile


class AppealType(models.TextChoices):
    CREDIT_DECISION = "credit_decision", _("Credit decision")
    ABNORMAL_LIST = "abnormal_list", _("Abnormal business list entry")
    PENALTY = "penalty", _("Administrative penalty")
    OTHER_DECISION = "other_decision", _("Other administrative decision")
    COORDINATOR_CONDUCT = "coordinator_conduct", _("Conduct of a coordinator")


class AppealStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("Under review")
    FORWARDED = "forwarded", _("Forwarded to the Management Department")
    DECIDED = "decided", _("Decided")


OPEN_STATUSES = (AppealStatus.SUBMITTED, AppealStatus.IN_REVIEW, AppealStatus.FORWARDED)


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
    REJECTED = "rejected", _("Rejected")
    FORWARDED = "forwarded", _("Forwarded to the Management Department")


class AppealQuerySet(ScopedQuerySet):
    """``visible_to(user)`` (``portal.scoping`` narrowed by ``Appeal.scope_restrict``) and the appeal's
    own filters."""

    def open(self) -> AppealQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None) -> AppealQuerySet:
        return self.open().filter(due_at__lt=now or timezone.now())


@never_deleted()
class Appeal(DecisionRecord):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("enterprise"),
    )
    # Copied from the enterprise when filed: the admin filters and indexes on them without a join.
    district = models.ForeignKey(
        "portal.District", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    local_customs = models.ForeignKey(
        "portal.LocalCustoms", on_delete=models.PROTECT, related_name="+", verbose_name=_("local customs")
    )
    appeal_type = models.CharField(_("type"), max_length=30, choices=AppealType.choices)
    subject = models.CharField(_("subject"), max_length=200)
    grounds = models.TextField(_("grounds"))
    decision_reference = models.CharField(
        _("decision reference"),
        max_length=100,
        blank=True,
        help_text=_("Number or date of the decision appealed against."),
    )
    credit_event = models.ForeignKey(
        "credit.CreditEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("credit event"),
    )
    abnormal_entry = models.ForeignKey(
        "credit.AbnormalListEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("abnormal-list entry"),
    )
    coordinator = models.ForeignKey(
        "coordinators.Coordinator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coordinator concerned"),
    )
    source_request_id = models.PositiveBigIntegerField(
        _("from coordination request"), null=True, blank=True, unique=True, editable=False
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    due_at = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.SUBMITTED
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=AppealOutcome.choices, blank=True)
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    disqualification = models.ForeignKey(
        "coordinators.Disqualification",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disqualification decision"),
    )
    # The credit event recorded from this appeal once it was upheld (``appeals.services.correct_credit_decision``).
    correcting_event = models.OneToOneField(
        "credit.CreditEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("correcting credit event"),
    )

    history = HistoricalRecords()
    objects = AppealQuerySet.as_manager()
    scope_rule = ScopeRule()

    @classmethod
    def scope_restrict(cls, scope: Scope, prefix: str = "") -> Q:
        """The integrity channel: an appeal about a coordinator's conduct is seen only by the filing
        enterprise's members and its district's Management Department — never by the coordinator
        concerned, whatever other role they hold."""
        conduct = Q(**{f"{prefix}appeal_type": AppealType.COORDINATOR_CONDUCT})
        allowed = Q(pk__in=[])
        if scope.member_enterprise_ids:
            allowed |= Q(**{f"{prefix}enterprise_id__in": sorted(scope.member_enterprise_ids)})
        if scope.management_district_id:
            allowed |= Q(**{f"{prefix}district_id": scope.management_district_id})
        q = ~conduct | (conduct & allowed)
        if scope.coordinator_id:
            q &= ~(conduct & Q(**{f"{prefix}coordinator_id": scope.coordinator_id}))
        return q

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at", "-id"]
        default_permissions = ("view", "change")
        constraints = [
            models.CheckConstraint(
                condition=~Q(appeal_type="coordinator_conduct") | Q(coordinator__isnull=False),
                name="conduct_appeal_names_coordinator",
            ),
            models.CheckConstraint(
                condition=~Q(status="decided")
                | (~Q(outcome="") & ~Q(decision_reasons="") & Q(decided_at__isnull=False)),
                name="decided_appeal_has_reasons",
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "-filed_at"], name="appeal_enterprise_recent"),
            models.Index(fields=["status", "due_at"], name="appeal_status_due"),
            models.Index(fields=["appeal_type", "due_at"], name="appeal_type_due"),
            models.Index(fields=["district", "status", "due_at"], name="appeal_district_due"),
            models.Index(fields=["local_customs", "status", "due_at"], name="appeal_customs_due"),
            models.Index(fields=["assigned_to", "status"], name="appeal_assignee"),
            models.Index(fields=["-filed_at"], name="appeal_filed"),
            models.Index(fields=["due_at"], name="appeal_due"),
            GinIndex(fields=["subject"], name="appeal_subject_trgm", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_integrity_channel(self) -> bool:
        return self.appeal_type == AppealType.COORDINATOR_CONDUCT

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()

    @property
    def awaits_credit_correction(self) -> bool:
        """An upheld (or partly upheld) appeal against a credit decision whose correction is not recorded."""
        return (
            self.appeal_type == AppealType.CREDIT_DECISION
            and self.status == AppealStatus.DECIDED
            and self.outcome in (AppealOutcome.UPHELD, AppealOutcome.PARTLY_UPHELD)
            and self.correcting_event_id is None
        )

    @property
    def decision_deadline(self) -> Deadline | None:
        """Customs owes the decision by ``due_at`` (working days by type); None once decided."""
        if not self.is_open:
            return None
        return Deadline(
            key=f"appeal:{self.pk}",
            title=text(
                "Decision on appeal #%(number)s “%(subject)s”", number=self.pk, subject=self.subject[:60]
            ),
            due=self.due_at,
            owner=CUSTOMS,
            soon_days=3,
        )

    @property
    def deadline_state(self) -> str:
        deadline = self.decision_deadline
        return deadline.state() if deadline else ""

    @property
    def deadline_label(self) -> str:
        deadline = self.decision_deadline
        return deadline.state_label() if deadline else ""


class AppealAttachment(PrivateFile):
    """A file of an appeal (portal.uploads): checked by content, private, served by a checked view."""

    scope_rule = ScopeRule(via="appeal")

    UPLOAD_PREFIX = "appeals"

    appeal = models.ForeignKey(
        Appeal, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("appeal")
    )

    objects = ScopedQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appeal attachment")
        verbose_name_plural = _("appeal attachments")
        ordering = ["uploaded_at", "id"]
        default_permissions = ("view",)


class AppealEvent(models.Model):
    """One change of an appeal: who, when, what. Append-only."""

    scope_rule = ScopeRule(via="appeal")

    class Kind(models.TextChoices):
        FILED = "filed", _("Filed")
        ASSIGNED = "assigned", _("Assigned")
        FORWARDED = "forwarded", _("Forwarded to the Management Department")
        DECIDED = "decided", _("Decided")
        ESCALATED = "escalated", _("Escalated (overdue)")
        DISQUALIFICATION = "disqualification", _("Coordinator disqualified")
        CREDIT_CORRECTION = "credit_correction", _("Credit rating corrected")

    appeal = models.ForeignKey(
        Appeal, on_delete=models.PROTECT, related_name="events", verbose_name=_("appeal")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_status = models.CharField(_("from status"), max_length=20, choices=AppealStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=AppealStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the system acted (e.g. the escalation job)."),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    # What the system writes (the outcome, the ground), in the reader's language; ``note`` holds the
    # reasons as their author wrote them.
    note_message = models.JSONField(_("system note"), null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal events")
        ordering = ["at", "id"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["appeal", "at"], name="appeal_event_history")]

    def __str__(self) -> str:
        return f"#{self.appeal_id} {self.get_kind_display()}"

    @property
    def note_text(self) -> str:
        if self.note_message:
            prefix = render(self.note_message)
            return f"{prefix}: {self.note}" if self.note else prefix
        return self.note
