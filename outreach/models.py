"""Outreach to enterprises: training and compliance education, policy announcements, calendar feeds
(docs/DOMAIN.md, "Service practice": training / compliance education, announcements reaching enterprises'
heads first, the warning that customs services are free).

DOMAIN notes (our readings):
- The *head* of an enterprise, who is obliged to attend customs business training, is its designated
  contact person (a senior executive in charge of customs affairs). Attendance counts for the head only
  when the registration names the contact person's own account and customs recorded them as present.
- A session or announcement is issued by a district (``district``) and reaches that district's
  enterprises; only an administrator issues to every district (``district`` empty). Within that, the
  audience may be narrowed by credit rating, "AEO only" (any rating that counts as AEO, so the audience
  survives a change of regime) and industry. Empty narrowing fields mean "all".
- Training materials are available to customs staff of the issuing district and, after the session,
  to enterprises with an attendee recorded as present.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.models import Enterprise, EnterpriseOwned, Industry
from portal.scoping import Scope, ScopedQuerySet, ScopeRule
from portal.uploads import PrivateFile


class Audience(models.Model):
    """Who a session or announcement is for. Matching is SQL (``matching_enterprises``/``Q``)."""

    district = models.ForeignKey(
        "portal.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
        help_text=_("The issuing district; its enterprises are the audience. Empty: every district."),
    )
    audience_ratings = models.ManyToManyField(
        "credit.CreditRating",
        blank=True,
        related_name="+",
        verbose_name=_("credit ratings"),
        help_text=_("Only enterprises with one of these ratings. Empty: any rating."),
    )
    audience_aeo_only = models.BooleanField(
        _("AEO enterprises only"), default=False, help_text=_("Only enterprises whose rating counts as AEO.")
    )
    audience_industries = ArrayField(
        models.CharField(max_length=30, choices=Industry.choices),
        blank=True,
        default=list,
        verbose_name=_("industries"),
        help_text=_("Only enterprises of these industries. Empty: any industry."),
    )

    class Meta:
        abstract = True

    def matching_enterprises(self):
        """Enterprises in this audience (one query when evaluated; the rating ids are read once)."""
        queryset = Enterprise.objects.all()
        if self.district_id:
            queryset = queryset.filter(district_id=self.district_id)
        rating_ids = list(self.audience_ratings.values_list("pk", flat=True)) if self.pk else []
        if rating_ids:
            queryset = queryset.filter(rating_id__in=rating_ids)
        if self.audience_aeo_only:
            queryset = queryset.filter(rating__is_aeo=True)
        if self.audience_industries:
            queryset = queryset.filter(industry__in=self.audience_industries)
        return queryset

    @classmethod
    def reaching(cls, enterprise) -> Q:
        """A filter on this model: the rows whose audience includes ``enterprise`` (no Python loop)."""
        through: Any = cls.audience_ratings.through  # the auto-created m2m model (stubs: type[Model])
        owner = through._meta.get_field(cls._meta.model_name).attname
        any_rating = ~Exists(through.objects.filter(**{owner: OuterRef("pk")}))
        its_rating = Exists(
            through.objects.filter(**{owner: OuterRef("pk"), "creditrating_id": enterprise.rating_id})
        )
        condition = Q(district__isnull=True) | Q(district_id=enterprise.district_id)
        condition &= any_rating | its_rating
        rating_is_aeo = bool(enterprise.rating_id and enterprise.rating.is_aeo)
        if not rating_is_aeo:
            condition &= Q(audience_aeo_only=False)
        condition &= Q(audience_industries=[]) | Q(audience_industries__contains=[enterprise.industry])
        return condition


class TrainingSession(Audience):
    """A customs business training or compliance education session."""

    class Mode(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        ONLINE = "online", _("Online")

    title = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ON_SITE)
    place = models.CharField(_("place"), max_length=300, blank=True, help_text=_("Address or meeting link."))
    capacity = models.PositiveIntegerField(_("capacity (attendees)"))
    is_business_training = models.BooleanField(
        _("customs business training"),
        default=True,
        help_text=_(
            "Counts towards the obligation of AEO enterprises' heads to attend customs business training."
        ),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    # Customs staff see (and manage) their district's sessions; enterprises the ones they are invited to.
    scope_rule = ScopeRule(enterprise=None, district="district")

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="training_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_capacity_positive"),
        ]
        indexes = [models.Index(fields=["district", "-starts_at"], name="training_district_date")]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%Y-%m-%d})"

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()

    @classmethod
    def scope_extra(cls, scope: Scope, prefix: str = "") -> Q | None:
        if not scope.member_enterprise_ids:
            return None
        return Q(**{f"{prefix}invitations__enterprise_id__in": sorted(scope.member_enterprise_ids)})


class TrainingInvitation(EnterpriseOwned):
    """An enterprise invited to a session because it matched the audience when invitations went out."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("session")
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="training_invitations",
        verbose_name=_("enterprise"),
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)

    class Meta:
        verbose_name = _("training invitation")
        verbose_name_plural = _("training invitations")
        constraints = [
            models.UniqueConstraint(fields=["session", "enterprise"], name="one_invitation_per_enterprise")
        ]
        indexes = [models.Index(fields=["enterprise", "session"], name="training_invite_enterprise")]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.session}"


class TrainingRegistration(EnterpriseOwned):
    """One named attendee of an enterprise at a session. Cancelled, never deleted."""

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("Not recorded")
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")

    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("session")
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="training_registrations",
        verbose_name=_("enterprise"),
    )
    attendee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_registrations",
        verbose_name=_("attendee account"),
    )
    attendee_name = models.CharField(_("attendee"), max_length=100)
    attendee_position = models.CharField(_("position"), max_length=100, blank=True)
    is_head = models.BooleanField(
        _("the enterprise's head"),
        default=False,
        help_text=_("The attendee was the contact person when registered."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, blank=True, default=""
    )
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attendance recorded by"),
    )
    attendance_recorded_at = models.DateTimeField(_("attendance recorded at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training registration")
        verbose_name_plural = _("training registrations")
        ordering = ["session", "enterprise", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "attendee"],
                condition=Q(cancelled_at__isnull=True, attendee__isnull=False),
                name="one_registration_per_attendee",
            ),
            models.UniqueConstraint(
                fields=["session", "enterprise", "attendee_name"],
                condition=Q(cancelled_at__isnull=True),
                name="one_registration_per_attendee_name",
            ),
        ]
        indexes = [
            models.Index(
                fields=["session"], condition=Q(cancelled_at__isnull=True), name="training_reg_active"
            ),
            models.Index(
                fields=["enterprise", "attendee"],
                condition=Q(attendance="present"),
                name="training_reg_present",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attendee_name} ({self.enterprise}) @ {self.session}"

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None


class TrainingMaterial(PrivateFile):
    """A file of a training session (portal.uploads)."""

    UPLOAD_PREFIX = "training"

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="materials", verbose_name=_("session")
    )
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("training material")
        verbose_name_plural = _("training materials")
        ordering = ["session", "title", "id"]

    def __str__(self) -> str:
        return self.title


class Announcement(Audience):
    """A policy interpretation, notice or warning published to enterprises."""

    class Kind(models.TextChoices):
        POLICY = "policy", _("Policy interpretation")
        NOTICE = "notice", _("Notice")
        ANTI_INTERMEDIARY = "anti_intermediary", _("Warning: customs services are free")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NOTICE)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    is_important = models.BooleanField(
        _("important"), default=False, help_text=_("Shown first; customs follows up on who has not read it.")
    )
    published_at = models.DateTimeField(
        _("published at"), null=True, blank=True, help_text=_("Empty: a draft.")
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    # Customs staff see their district's announcements (drafts too) and the published ones addressed to
    # every district; enterprise members the published ones whose audience includes their enterprise.
    scope_rule = ScopeRule(enterprise=None, district="district")

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(
                fields=["district", "-published_at"],
                condition=Q(published_at__isnull=False),
                name="announcement_published",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @classmethod
    def scope_extra(cls, scope: Scope, prefix: str = "") -> Q | None:
        published = Q(**{f"{prefix}published_at__isnull": False})
        q = Q(pk__in=[])
        if scope.is_customs:
            q |= published & Q(**{f"{prefix}district__isnull": True})
        enterprise = (
            Enterprise.objects.select_related("rating")
            .filter(pk__in=sorted(scope.member_enterprise_ids))
            .first()
            if scope.member_enterprise_ids
            else None
        )
        if enterprise is not None and not prefix:
            q |= published & cls.reaching(enterprise)
        return q


class AnnouncementReceipt(EnterpriseOwned):
    """An enterprise user opened an announcement (recorded once)."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("announcement")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="announcement_receipts",
        verbose_name=_("user"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="+", verbose_name=_("enterprise")
    )
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="one_receipt_per_user")]

    def __str__(self) -> str:
        return f"{self.user} read {self.announcement_id}"


class AnnouncementDigest(models.Model):
    """One e-mail digest per user and period: makes the digest job idempotent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    period_start = models.DateField(_("period starts"))
    announcement_count = models.PositiveIntegerField(_("announcements"), default=0)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("announcement digest")
        verbose_name_plural = _("announcement digests")
        constraints = [
            models.UniqueConstraint(fields=["user", "period_start"], name="one_digest_per_user_period")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.period_start}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in a personal iCal feed URL. Rotating revokes the old token and issues a new one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_tokens",
        verbose_name=_("user"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar token")
        verbose_name_plural = _("calendar tokens")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="one_active_calendar_token"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({'revoked' if self.revoked_at else 'active'})"


class AnnouncementAttachment(PrivateFile):
    """A file of an announcement (the notice itself, a form, a guide), checked and kept by
    ``portal.uploads``; downloaded by whoever may read the announcement."""

    UPLOAD_PREFIX = "announcements"

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("announcement")
    )

    class Meta:
        verbose_name = _("announcement attachment")
        verbose_name_plural = _("announcement attachments")
        ordering = ["uploaded_at", "id"]
        default_permissions = ("view",)
