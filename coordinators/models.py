"""Coordinators, their pair assignments, recusals and disqualifications (docs/DOMAIN.md, "Coordinators").

DOMAIN notes:
- A coordinator is *assignable* on a date when active (not disqualified) and the qualification is valid
  on that date (``qualification_valid_until >= date``). A lapsed qualification makes them unassignable
  but does not by itself end current assignments: ground (6) of disqualification is a manager's decision.
- A pair is stored with ``coordinator_a.id < coordinator_b.id`` so the same two people are one pair
  whichever order they were chosen in; the database refuses a pair of one person.
- A recusal is permanent for that coordinator and enterprise (our reading: the conflict of interest is a
  fact about the person; lifting it is not something the documents provide for).
- Rotation (``RotationPolicy``, our reading of the "亲清" practice of districts that ran coordinators before
  2018): a coordinator's *service* with an enterprise counts from the day they joined its pair and carries
  over pair changes (a new partner) and breaks shorter than the cooling-off period, so the limit cannot be
  evaded by a brief reassignment. Each active pair stores its two coordinators' service start
  (``a_since``/``b_since``), written by the one service that creates pairs.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.models import EnterpriseOwned
from portal.scoping import Scope, ScopedQuerySet, ScopeRule


class CoordinatorQuerySet(ScopedQuerySet):
    def assignable(self, on: datetime.date | None = None) -> CoordinatorQuerySet:
        on = on or timezone.localdate()
        return self.filter(status=Coordinator.Status.ACTIVE, qualification_valid_until__gte=on)

    def not_recused_from(self, enterprise) -> CoordinatorQuerySet:
        return self.exclude(recusals__enterprise=enterprise)


class Coordinator(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DISQUALIFIED = "disqualified", _("Disqualified")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coordinator", verbose_name=_("user")
    )
    local_customs = models.ForeignKey(
        "portal.LocalCustoms",
        on_delete=models.PROTECT,
        related_name="coordinators",
        verbose_name=_("local customs"),
    )
    certificate_number = models.CharField(_("qualification certificate number"), max_length=40, unique=True)
    qualification_valid_until = models.DateField(_("qualification valid until"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()
    objects = CoordinatorQuerySet.as_manager()
    # Customs staff of the district see its coordinators; a coordinator also sees themselves.
    scope_rule = ScopeRule(enterprise=None, district="local_customs__district")

    class Meta:
        verbose_name = _("coordinator")
        verbose_name_plural = _("coordinators")
        ordering = ["local_customs", "user__full_name"]
        indexes = [
            models.Index(
                fields=["local_customs", "status", "qualification_valid_until"], name="coord_assignable"
            )
        ]

    def __str__(self) -> str:
        return self.user.display_name

    def is_qualified_on(self, on: datetime.date) -> bool:
        return self.qualification_valid_until >= on

    def is_assignable(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.status == self.Status.ACTIVE and self.is_qualified_on(on)

    @classmethod
    def scope_extra(cls, scope: Scope, prefix: str = "") -> Q | None:
        return Q(**{f"{prefix}pk": scope.coordinator_id}) if scope.coordinator_id else None


class PairAssignmentQuerySet(ScopedQuerySet):
    def active(self) -> PairAssignmentQuerySet:
        return self.filter(ended_on__isnull=True)

    def of_coordinator(self, coordinator) -> PairAssignmentQuerySet:
        return self.filter(Q(coordinator_a=coordinator) | Q(coordinator_b=coordinator))


class PairAssignment(EnterpriseOwned):
    """Two distinct coordinators assigned to an advanced-certified enterprise, from a date to a date."""

    class EndReason(models.TextChoices):
        REASSIGNED = "reassigned", _("Reassigned")
        RECUSAL = "recusal", _("A coordinator withdrew (recusal)")
        DISQUALIFICATION = "disqualification", _("A coordinator was disqualified")
        NO_LONGER_AEO = "no_longer_aeo", _("The enterprise is no longer advanced-certified")
        QUALIFICATION_LAPSED = "qualification_lapsed", _("A coordinator's qualification lapsed")
        ROTATION = "rotation", _("A coordinator rotated out (longest service reached)")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="pair_assignments",
        verbose_name=_("enterprise"),
    )
    coordinator_a = models.ForeignKey(
        Coordinator, on_delete=models.PROTECT, related_name="+", verbose_name=_("coordinator")
    )
    coordinator_b = models.ForeignKey(
        Coordinator, on_delete=models.PROTECT, related_name="+", verbose_name=_("second coordinator")
    )
    started_on = models.DateField(_("started on"))
    # Since when each coordinator has served the enterprise without a break of the cooling-off period.
    a_since = models.DateField(_("coordinator serves since"))
    b_since = models.DateField(_("second coordinator serves since"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=20, choices=EndReason.choices, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )

    objects = PairAssignmentQuerySet.as_manager()  # type: ignore[misc]  # a narrower manager than EnterpriseOwned's

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pair assignment")
        verbose_name_plural = _("pair assignments")
        ordering = ["enterprise", "-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(coordinator_a__lt=F("coordinator_b")), name="pair_of_two_distinct_coordinators"
            ),
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(ended_on__isnull=True),
                name="one_active_pair_per_enterprise",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="pair_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["coordinator_a"], condition=Q(ended_on__isnull=True), name="pair_active_a"),
            models.Index(fields=["coordinator_b"], condition=Q(ended_on__isnull=True), name="pair_active_b"),
            # The rotation job: a district's active pairs whose coordinators' service began before a date.
            models.Index(
                fields=["district", "a_since"], condition=Q(ended_on__isnull=True), name="pair_active_a_since"
            ),
            models.Index(
                fields=["district", "b_since"], condition=Q(ended_on__isnull=True), name="pair_active_b_since"
            ),
            # Recent service of a coordinator with an enterprise (cooling-off, proposals).
            models.Index(fields=["enterprise", "-ended_on"], name="pair_enterprise_ended"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise}: {self.coordinator_a} + {self.coordinator_b}"

    @property
    def coordinators(self) -> tuple[Coordinator, Coordinator]:
        return (self.coordinator_a, self.coordinator_b)

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def since_of(self, coordinator) -> datetime.date:
        """When ``coordinator`` (one of the pair) began serving the enterprise."""
        return self.a_since if coordinator.pk == self.coordinator_a_id else self.b_since

    def partner_of(self, coordinator) -> Coordinator:
        return self.coordinator_b if coordinator.pk == self.coordinator_a_id else self.coordinator_a


class RecusalReason(models.TextChoices):
    KINSHIP = "kinship", _("Kinship with the enterprise's people")
    FINANCIAL_INTEREST = "financial_interest", _("Financial interest in the enterprise")
    FORMER_EMPLOYMENT = "former_employment", _("Former employment at the enterprise")
    OTHER = "other", _("Other circumstances that should be avoided")


class Recusal(EnterpriseOwned):
    """A coordinator's withdrawal from an enterprise for a conflict of interest."""

    coordinator = models.ForeignKey(
        Coordinator, on_delete=models.PROTECT, related_name="recusals", verbose_name=_("coordinator")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="recusals",
        verbose_name=_("enterprise"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=RecusalReason.choices)
    reason_text = models.TextField(_("details"), blank=True)
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["coordinator", "enterprise"], name="one_recusal_per_coordinator_enterprise"
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(reason_text=""), name="recusal_other_needs_text"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coordinator} ⟂ {self.enterprise}"


class DisqualificationGround(models.TextChoices):
    """The seven grounds of docs/DOMAIN.md, "Coordinators"."""

    VIOLATION = "violation", _("(1) Violation of law or discipline")
    ILLEGITIMATE_INTERESTS = "illegitimate_interests", _("(2) Seeking illegitimate interests")
    DIVULGING_SECRETS = (
        "divulging_secrets",
        _("(3) Divulging state, customs work or enterprise trade secrets"),
    )
    ABUSE_OF_POWER = "abuse_of_power", _("(4) Abusing powers to make enterprises handle unrelated matters")
    NEGLECT_OR_DELAY = (
        "neglect_or_delay",
        _("(5) Failing to perform duties or unreasonably delaying problems"),
    )
    NO_QUALIFICATION = "no_qualification", _("(6) No professional qualification for enterprise certification")
    OTHERWISE_UNFIT = "otherwise_unfit", _("(7) Otherwise unfit")


class Disqualification(models.Model):
    scope_rule = ScopeRule(via="coordinator")

    coordinator = models.ForeignKey(
        Coordinator, on_delete=models.PROTECT, related_name="disqualifications", verbose_name=_("coordinator")
    )
    ground = models.CharField(_("ground"), max_length=30, choices=DisqualificationGround.choices)
    decided_on = models.DateField(_("decision date"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    evidence = models.TextField(_("evidence"))
    enterprises_needing_pair = models.ManyToManyField(
        "enterprises.Enterprise",
        blank=True,
        related_name="+",
        verbose_name=_("enterprises that need a new pair"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disqualification")
        verbose_name_plural = _("disqualifications")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.coordinator}: {self.get_ground_display()}"


class QualificationNotice(models.Model):
    """The daily qualification job's record for one coordinator and expiry date: a warning ahead of the
    lapse, then the lapse itself (when the coordinator is taken off their pairs). One per kind: the job
    may run twice or in two workers at once."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("Lapses within 30 days")
        LAPSED = "lapsed", _("Lapsed: taken off assignments")

    coordinator = models.ForeignKey(
        Coordinator,
        on_delete=models.CASCADE,
        related_name="qualification_notices",
        verbose_name=_("coordinator"),
    )
    valid_until = models.DateField(_("qualification valid until"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    sent_on = models.DateField(_("sent on"))

    class Meta:
        verbose_name = _("qualification notice")
        verbose_name_plural = _("qualification notices")
        constraints = [
            models.UniqueConstraint(
                fields=["coordinator", "valid_until", "kind"], name="one_qualification_notice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.coordinator} {self.valid_until} {self.kind}"


class RotationPolicy(models.Model):
    """A district's rotation rule (docs/DOMAIN.md, "Coordinators"): the longest a coordinator may serve
    one enterprise and the cooling-off period before serving it again. No row, or no limit: no rotation."""

    district = models.OneToOneField(
        "portal.District",
        on_delete=models.CASCADE,
        related_name="rotation_policy",
        verbose_name=_("district"),
    )
    max_service_months = models.PositiveSmallIntegerField(
        _("longest service with one enterprise (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: no limit. For example 36 for three years."),
    )
    cooling_off_months = models.PositiveSmallIntegerField(
        _("cooling-off before serving it again (months)"), default=24
    )
    notice_days = models.PositiveSmallIntegerField(
        _("days of notice to the manager"),
        default=60,
        help_text=_("The rotation is listed for the manager this many days before the limit."),
    )

    scope_rule = ScopeRule(enterprise=None, district="district")
    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rotation policy")
        verbose_name_plural = _("rotation policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_service_months__isnull=True) | Q(max_service_months__gte=1),
                name="rotation_limit_positive",
            )
        ]

    def __str__(self) -> str:
        return str(self.district)


class RotationQuerySet(ScopedQuerySet):
    def pending(self) -> RotationQuerySet:
        return self.filter(status=Rotation.Status.DUE)


class Rotation(EnterpriseOwned):
    """A coordinator who reaches the district's longest service with an enterprise: listed by the daily
    job ``notice_days`` ahead, confirmed by a manager with a substitute (the handover is recorded here),
    or set aside when the coordinator left the pair otherwise. One per coordinator, enterprise and
    service start: the job may run twice."""

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        DONE = "done", _("Handed over")
        SET_ASIDE = "set_aside", _("Set aside (left the pair otherwise)")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    coordinator = models.ForeignKey(
        Coordinator, on_delete=models.PROTECT, related_name="rotations", verbose_name=_("coordinator")
    )
    serving_since = models.DateField(_("serving since"))
    limit_on = models.DateField(_("longest service reached on"))
    listed_on = models.DateField(_("listed on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DUE)
    substitute = models.ForeignKey(
        Coordinator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("substitute"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    decided_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # What moved to the substitute in the handover's transaction: request and visit ids.
    handover = models.JSONField(_("handover"), default=dict, blank=True)

    objects = RotationQuerySet.as_manager()  # type: ignore[misc]

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rotation")
        verbose_name_plural = _("rotations")
        ordering = ["limit_on", "id"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "coordinator", "serving_since"], name="one_rotation_per_service"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(substitute__isnull=False, decided_at__isnull=False),
                name="rotation_done_has_substitute",
            ),
        ]
        indexes = [
            models.Index(fields=["district", "status", "limit_on"], name="rotation_district_due"),
            models.Index(fields=["coordinator", "status"], name="rotation_coordinator"),
            # Cooling-off: who rotated out of an enterprise, and when.
            models.Index(fields=["enterprise", "coordinator", "-decided_at"], name="rotation_enterprise"),
        ]

    def __str__(self) -> str:
        return f"{self.coordinator} · {self.enterprise} ({self.limit_on})"

    @classmethod
    def scope_restrict(cls, scope: Scope, prefix: str = "") -> Q | None:
        """Customs-internal: the enterprise learns who its coordinators are now, not the staffing record."""
        return None if scope.is_customs else Q(pk__in=[])
