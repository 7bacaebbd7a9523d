"""Liaison officers (联络员) of customs business departments, coordinators' referrals to departments, and
department notices to coordinators (docs/DOMAIN.md, "Liaison officers").

DOMAIN notes (our readings, tested in tests/liaison/):
- Each business department of a district (supervision, inspection, risk control, statistics, …; never
  the Management Department, which supervises the coordinators) names liaison officers among its own
  customs officers. Naming them is the Management Department's act.
- A **referral** is not a transfer: the coordinator stays responsible for the request (first-consulting
  responsibility). The department's liaison officer answers inside the request as an internal note; the
  coordinator then decides whether the answer also goes to the enterprise as customs' reply (posted by
  the coordinator, who stays the one speaking to the enterprise; the note's files stay internal). A
  referral has its own due date in working days; the enterprise never sees referrals as such.
- A **department notice** ("new measure", "abnormal supervision information about enterprise X") reaches
  the coordinators of the enterprises concerned — the current pairs of the named enterprises, or every
  coordinator of the chosen offices (the whole district when none is chosen) — never the enterprises.
  Recused coordinators are never in a pair, so information about an enterprise never reaches them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.models import EnterpriseOwned
from portal.scoping import Scope, ScopedQuerySet, ScopeRule


class LiaisonOfficer(models.Model):
    """A customs officer named liaison officer of their department. Never deleted: ``ended_at`` closes it."""

    department = models.ForeignKey(
        "portal.Department",
        on_delete=models.PROTECT,
        related_name="liaison_officers",
        verbose_name=_("department"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="liaison_appointments",
        verbose_name=_("officer"),
    )
    district = models.ForeignKey(
        "portal.District",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("district"),
        editable=False,
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("named by"),
    )
    named_at = models.DateTimeField(_("named at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    scope_rule = ScopeRule(enterprise=None, district="district")
    objects = ScopedQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("liaison officer")
        verbose_name_plural = _("liaison officers")
        ordering = ["department", "named_at"]
        default_permissions = ("view", "add", "change")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "user"],
                condition=Q(ended_at__isnull=True),
                name="one_active_liaison_appointment",
            )
        ]
        indexes = [
            models.Index(fields=["user"], condition=Q(ended_at__isnull=True), name="liaison_active_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user.display_name} · {self.department}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class ReferralQuerySet(ScopedQuerySet):
    def open(self) -> ReferralQuerySet:
        return self.filter(status=Referral.Status.OPEN)

    def overdue(self, now=None) -> ReferralQuerySet:
        return self.open().filter(due_at__lt=now or timezone.now())


class Referral(EnterpriseOwned):
    """A coordinator's question to a department about one request; answered inside the request."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the department")
        ANSWERED = "answered", _("Answered")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    request = models.ForeignKey(
        "coordination.CoordinationRequest",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("request"),
    )
    # Copied from the request when referred: scoping and indexes on the row itself.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    department = models.ForeignKey(
        "portal.Department", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("department")
    )
    question = models.TextField(_("question"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("referred by")
    )
    referred_at = models.DateTimeField(_("referred at"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.ForeignKey(
        "coordination.RequestMessage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answer"),
    )
    # The coordinator's decision to pass the answer on to the enterprise: the reply it became.
    reply = models.ForeignKey(
        "coordination.RequestMessage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reply to the enterprise"),
    )

    objects = ReferralQuerySet.as_manager()  # type: ignore[misc]

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_at", "-id"]
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(answered_at__isnull=False, answer__isnull=False),
                name="answered_referral_has_answer",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status", "due_at"], name="referral_department_due"),
            models.Index(fields=["request", "referred_at"], name="referral_request"),
            models.Index(fields=["district", "status", "due_at"], name="referral_district_due"),
            models.Index(fields=["district", "-referred_at"], name="referral_district_recent"),
        ]

    def __str__(self) -> str:
        return f"#{self.request_id} → {self.department}"

    @classmethod
    def scope_restrict(cls, scope: Scope, prefix: str = "") -> Q | None:
        """Customs-internal: enterprise members never see referrals (the answer they may read is a reply)."""
        return None if scope.is_customs else Q(pk__in=[])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


class DepartmentNotice(models.Model):
    """A notice of a department's liaison officer to the coordinators of the enterprises concerned."""

    class Kind(models.TextChoices):
        MEASURE = "measure", _("New measure")
        SUPERVISION = "supervision", _("Abnormal supervision information about an enterprise")
        OTHER = "other", _("Other")

    department = models.ForeignKey(
        "portal.Department", on_delete=models.PROTECT, related_name="notices", verbose_name=_("department")
    )
    district = models.ForeignKey(
        "portal.District",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("district"),
        editable=False,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise", blank=True, related_name="+", verbose_name=_("enterprises concerned")
    )
    offices = models.ManyToManyField(
        "portal.LocalCustoms", blank=True, related_name="+", verbose_name=_("local customs offices")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    recipient_count = models.PositiveIntegerField(_("coordinators reached"), default=0)

    scope_rule = ScopeRule(enterprise=None, district="district")
    objects = ScopedQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department notice")
        verbose_name_plural = _("department notices")
        ordering = ["-published_at", "-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["district", "-published_at"], name="notice_district_recent"),
            models.Index(fields=["department", "-published_at"], name="notice_department_recent"),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_extra(cls, scope: Scope, prefix: str = "") -> Q | None:
        """A coordinator sees the notices that reached them (one receipt per notice and person)."""
        return Q(**{f"{prefix}receipts__recipient_id": scope.user_id}) if scope.coordinator_id else None


class NoticeReceipt(models.Model):
    """A department notice delivered to one coordinator, and when they read it."""

    notice = models.ForeignKey(
        DepartmentNotice, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("notice")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("coordinator")
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    scope_rule = ScopeRule(via="notice")
    objects = ScopedQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notice receipt")
        verbose_name_plural = _("notice receipts")
        constraints = [
            models.UniqueConstraint(fields=["notice", "recipient"], name="one_receipt_per_coordinator")
        ]
        indexes = [models.Index(fields=["recipient", "-notice"], name="receipt_recipient")]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.recipient_id}"
