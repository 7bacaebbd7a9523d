"""Enterprises, their members (contact person, staff) and registration-change submissions.

DOMAIN notes:
- Exactly one designated contact person per enterprise at any time: the database allows at most one
  open contact-person membership (``one_contact_person_per_enterprise``) and
  ``enterprises.services.designate_contact_person`` swaps the old for the new in one transaction, so the
  history of contact persons is kept.
- A user is an active member of at most one enterprise (``one_active_membership_per_user``): an
  enterprise account is a real-name account of that enterprise's employee (our reading).
- ``rating`` and ``recertification_due`` are kept in step only by ``credit.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from enterprises.validators import validate_customs_code, validate_uscc
from portal.models import DecisionRecord
from portal.roles import Role
from portal.scoping import ScopedQuerySet, ScopeRule
from portal.uploads import PrivateFile


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    TRADING = "trading", _("Import and export trading")
    LOGISTICS = "logistics", _("Logistics and freight forwarding")
    CUSTOMS_BROKER = "customs_broker", _("Customs brokerage")
    PROCESSING_TRADE = "processing_trade", _("Processing trade")
    CROSS_BORDER_ECOMMERCE = "cross_border_ecommerce", _("Cross-border e-commerce")
    OTHER = "other", _("Other")


class EnterpriseQuerySet(ScopedQuerySet):
    """``Enterprise.objects.visible_to(user)``: the enterprises ``user`` may see (``portal.scoping``)."""


class Enterprise(models.Model):
    scope_rule = ScopeRule(enterprise="pk", district="district")

    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    customs_code = models.CharField(
        _("customs registration code"), max_length=10, unique=True, validators=[validate_customs_code]
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    registered_address = models.CharField(_("registered address"), max_length=300)
    district = models.ForeignKey(
        "portal.District", on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("district")
    )
    local_customs = models.ForeignKey(
        "portal.LocalCustoms",
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("local customs"),
    )
    industry = models.CharField(
        _("industry"), max_length=30, choices=Industry.choices, default=Industry.OTHER
    )
    is_listed = models.BooleanField(_("listed company"), default=False)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    premises = models.CharField(
        _("premises"), max_length=300, blank=True, help_text=_("Sites and floor area.")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    rating = models.ForeignKey(
        "credit.CreditRating",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("credit rating"),
        editable=False,
    )
    certified_on = models.DateField(_("last certified on"), null=True, blank=True, editable=False)
    recertification_due = models.DateField(_("re-certification due"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    history = HistoricalRecords(excluded_fields=["rating", "certified_on", "recertification_due"])
    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name_zh", "id"]
        # Object permissions (django-guardian, see enterprises.scoping); view_enterprise is a default one.
        permissions = [
            ("represent_enterprise", _("Act as the enterprise's contact person")),
            ("coordinate_enterprise", _("Coordinate the enterprise (its coordinator pair)")),
        ]
        indexes = [
            models.Index(fields=["district", "name_zh"], name="ent_district_name"),
            models.Index(fields=["local_customs", "name_zh"], name="ent_customs_name"),
            models.Index(fields=["rating", "name_zh"], name="ent_rating_name"),
            # Enterprises per rating of a district (the managers' dashboard): an index-only count.
            models.Index(fields=["district", "rating"], name="ent_district_rating"),
            models.Index(fields=["local_customs", "rating"], name="ent_customs_rating"),
            models.Index(fields=["recertification_due"], name="ent_recert_due"),
            models.Index(fields=["industry"], name="ent_industry"),
            # "My enterprises" of officers and managers: their district by rating, or by the due date.
            models.Index(fields=["district", "rating", "name_zh", "id"], name="ent_district_rating_name"),
            models.Index(
                fields=["district", "recertification_due", "id"],
                condition=Q(recertification_due__isnull=False),
                name="ent_district_recert_due",
            ),
            GinIndex(fields=["name_zh"], name="ent_name_zh_trgm", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class EnterpriseOwned(models.Model):
    """A row that belongs to one enterprise and carries the enterprise's district, so every scoped list
    filters on an indexed column of the row itself (``portal.scoping``). The writing service sets
    ``district`` (bulk inserts must); ``save()`` fills it from the enterprise when it is missing.

    DOMAIN note: an enterprise's district and local customs are fixed once it is registered (the admin
    shows them read-only); moving an enterprise to another district is not a change the portal offers.
    """

    district = models.ForeignKey(
        "portal.District",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("district"),
        editable=False,
    )

    scope_rule = ScopeRule()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.district_id is None and getattr(self, "enterprise_id", None):
            self.district_id = Enterprise.objects.values_list("district_id", flat=True).get(
                pk=self.enterprise_id  # type: ignore[attr-defined]
            )
        super().save(*args, **kwargs)


class EnterpriseUserObjectPermission(UserObjectPermissionBase):
    """django-guardian grants with a real foreign key (fast joins at a million enterprises)."""

    content_object = models.ForeignKey(Enterprise, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "permission"], name="ent_perm_user")]


class MembershipRole(models.TextChoices):
    CONTACT_PERSON = Role.CONTACT_PERSON.value, _("Contact person")
    STAFF = Role.ENTERPRISE_STAFF.value, _("Enterprise staff")


class Membership(EnterpriseOwned):
    """A user's membership of an enterprise. Ended, never deleted: the history of contact persons."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("enterprise")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices)
    position = models.CharField(
        _("position"), max_length=100, blank=True, help_text=_("e.g. Vice president, customs affairs")
    )
    is_senior_executive = models.BooleanField(_("senior executive"), default=False)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["enterprise", "-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(role="contact_person", ended_at__isnull=True),
                name="one_contact_person_per_enterprise",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(ended_at__isnull=True), name="one_active_membership_per_user"
            ),
            models.CheckConstraint(
                condition=~Q(role="contact_person") | Q(is_senior_executive=True),
                name="contact_person_is_senior_executive",
            ),
        ]
        indexes = [
            models.Index(
                fields=["enterprise", "role"], condition=Q(ended_at__isnull=True), name="membership_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class RegistrationChange(EnterpriseOwned, DecisionRecord):
    """An enterprise proposes changed registration data; customs accepts or rejects it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    CHANGEABLE_FIELDS = (
        "name_zh",
        "name_en",
        "registered_address",
        "phone",
        "email",
        "employees",
        "premises",
        "is_listed",
        "industry",
    )

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="registration_changes",
        verbose_name=_("enterprise"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    changes = models.JSONField(_("changes"), help_text=_("{field: [before, after]}"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("registration change")
        verbose_name_plural = _("registration changes")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-submitted_at"], name="regchange_status"),
            models.Index(fields=["district", "status", "-submitted_at"], name="regchange_district"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.submitted_at:%Y-%m-%d} ({self.get_status_display()})"


class RegistrationChangeAttachment(PrivateFile):
    """A document supporting a proposed registration change (a new business licence, say): checked and
    kept by ``portal.uploads``, seen by whoever sees the change."""

    UPLOAD_PREFIX = "registration"

    change = models.ForeignKey(
        RegistrationChange,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("registration change"),
    )

    scope_rule = ScopeRule(via="change")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration change attachment")
        verbose_name_plural = _("registration change attachments")
        ordering = ["uploaded_at", "id"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["change", "uploaded_at"], name="regchange_attachment")]
