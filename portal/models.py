"""Users and the customs organisation (docs/DOMAIN.md, "Organisation"), plus what every app shares:
in-app notifications and the task outbox.

GAC → customs district → local customs office; a district also has departments, one of which is the
Management Department (Enterprise Management Office) that supervises the coordinators.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.signals import pre_delete
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.messages import render
from portal.roles import CUSTOMS_ROLES, ENTERPRISE_ROLES, Role


class BilingualNameMixin(models.Model):
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, falling back to Chinese."""
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


_NEVER_DELETED: dict[type, Callable[[Any], bool] | None] = {}


def is_never_deleted(obj) -> bool:
    """Whether ``obj`` may not be deleted (``never_deleted``): the admin offers no delete for it."""
    if type(obj) not in _NEVER_DELETED:
        return False
    when = _NEVER_DELETED[type(obj)]
    return when is None or when(obj)


def never_deleted(*, when: Callable[[Any], bool] | None = None):
    """Class decorator: rows of the model are never hard-deleted (docs/ARCHITECTURE.md, "History is
    append-only") — ``Model.delete()``, ``QuerySet.delete()`` and cascades all raise ``ProtectedError``
    (``when``: only rows for which it is true, e.g. an announcement once it has receipts). Records end
    through their own status fields; the admin offers no delete for them either."""

    def decorate(model):
        def refuse(sender, instance, **kwargs):
            if when is None or when(instance):
                raise models.ProtectedError(
                    f"{sender._meta.label} #{instance.pk} is a record and is never deleted.", {instance}
                )

        pre_delete.connect(
            refuse, sender=model, weak=False, dispatch_uid=f"never_deleted:{model._meta.label}"
        )
        _NEVER_DELETED[model] = when
        return model

    return decorate


class DecisionRecord(models.Model):
    """Who decided a submission (appeal, registration change, transfer, candidate, repair) and when.

    The decision's wording (outcome, note, reasons) stays on each model: it differs from one to another.
    """

    decided_by = models.ForeignKey(
        "portal.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        abstract = True


class District(BilingualNameMixin):
    """A customs district (直属海关), e.g. Beijing Customs."""

    code = models.CharField(_("code"), max_length=4, unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customs district")
        verbose_name_plural = _("customs districts")
        ordering = ["code"]


class LocalCustoms(BilingualNameMixin):
    """A local customs office (隶属海关) inside a district: it carries out the coordinators' work."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="local_customs", verbose_name=_("district")
    )
    code = models.CharField(_("code"), max_length=4, unique=True)
    leader = models.ForeignKey(
        "portal.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leader"),
        help_text=_("Receives escalations of overdue work of this office."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("local customs")
        verbose_name_plural = _("local customs")
        ordering = ["code"]


class Department(BilingualNameMixin):
    """A department of a district. Exactly one per district is the Management Department."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="departments", verbose_name=_("district")
    )
    is_management_department = models.BooleanField(
        _("is the Management Department"),
        default=False,
        help_text=_("The Enterprise Management Office, which supervises the coordinators."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["district", "name_zh"]
        constraints = [
            models.UniqueConstraint(
                fields=["district"],
                condition=models.Q(is_management_department=True),
                name="one_management_department_per_district",
            ),
            models.UniqueConstraint(fields=["district", "name_zh"], name="unique_department_name"),
        ]


class User(AbstractUser):
    """A person who signs in: enterprise contact person or staff, or customs staff.

    Roles are Django groups named by :class:`portal.roles.Role`. Customs staff belong to a local
    customs office (``local_customs``) or, for Management Department staff, to a district department.
    """

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    local_customs = models.ForeignKey(
        LocalCustoms,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("local customs"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("department"),
    )
    email_notifications = models.BooleanField(_("e-mail notifications"), default=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the pages, notifications and e-mails. Empty: the browser's."),
    )
    browser_language = models.CharField(_("browser language"), max_length=10, blank=True, editable=False)
    announcement_digest = models.BooleanField(_("e-mail digest of announcements"), default=False)
    # Who changed an account and how; never the password hash or the last login.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]  # stubs type AbstractUser.Meta as str
        verbose_name_plural = _("users")  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """Names of the role groups this user holds (one query, cached on the instance)."""
        if not self.is_authenticated or not self.pk:
            return frozenset()
        names = set(self.groups.values_list("name", flat=True))
        if self.is_superuser:
            names.add(Role.ADMINISTRATOR)
        return frozenset(names & set(Role.values))

    @property
    def reading_language(self) -> str:
        """The language to write to this user in: their choice, else their browser's, else the portal's."""
        return self.language or self.browser_language or settings.LANGUAGE_CODE

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @property
    def primary_role(self) -> Role | None:
        for role in Role.start_order():
            if role in self.roles:
                return role
        return None

    @property
    def is_enterprise_user(self) -> bool:
        return bool(self.roles & ENTERPRISE_ROLES)

    @property
    def is_customs_staff(self) -> bool:
        return bool(self.roles & CUSTOMS_ROLES)

    @property
    def district_id_for_scope(self) -> int | None:
        """The district whose data a manager or officer sees."""
        if self.local_customs_id:
            return self.local_customs.district_id  # type: ignore[union-attr]
        if self.department_id:
            return self.department.district_id  # type: ignore[union-attr]
        return None


class Notification(models.Model):
    """An in-app notification (the bell); an e-mail copy is sent by Celery after commit.

    ``message`` and ``details`` are stored as a message and its parameters (``portal.messages``) and
    rendered in the reader's language when read. Notifications of one ``group_key`` (e.g. one request)
    are coalesced while unread: a new one updates the unread row and counts it (``count``).
    ``enterprise_id`` says which enterprise the notification is about, so a coordinator who withdraws
    from an enterprise loses what the bell had told them of it.
    """

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    verb = models.CharField(_("kind"), max_length=50)
    message = models.JSONField(_("message"), default=dict)
    details = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    group_key = models.CharField(_("group"), max_length=100, blank=True)
    count = models.PositiveIntegerField(_("events"), default=1)
    enterprise_id = models.BigIntegerField(_("enterprise"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent"),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notif_unread"),
            models.Index(
                fields=["recipient", "group_key"],
                condition=models.Q(read_at__isnull=True) & ~models.Q(group_key=""),
                name="notif_unread_group",
            ),
            models.Index(fields=["recipient", "enterprise_id"], name="notif_enterprise"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return render(self.message)

    @property
    def body(self) -> str:
        return render(self.details)


class OutboxMessage(models.Model):
    """A Celery task to run, written in the same transaction as the change that calls for it.

    ``portal.outbox.enqueue`` writes the row and, after commit, tries to hand it to the broker; if Redis
    is down the row stays pending and the periodic ``portal.tasks.drain_outbox`` delivers it later.
    ``dedupe_key`` makes an enqueue idempotent (e.g. one reminder per enterprise, due date and offset).
    """

    task_name = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["created_at"], condition=models.Q(dispatched_at__isnull=True), name="outbox_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"


class Holiday(models.Model):
    """A Chinese public holiday or an adjusted working day (调休), as data managers can edit.

    ``is_working_day=True`` marks a weekend day that is worked (the make-up day of a holiday swap).
    """

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_working_day = models.BooleanField(_("adjusted working day"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Escalation(models.Model):
    """An overdue item escalated one level (1: the local customs' leader, 2: the Management Department).

    One row per item and level (``unique_escalation``) makes escalation jobs idempotent.
    """

    class Level(models.IntegerChoices):
        LOCAL_LEADER = 1, _("Leader of the local customs")
        MANAGEMENT_DEPARTMENT = 2, _("Management Department")

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, verbose_name=_("kind")
    )
    object_id = models.PositiveBigIntegerField(_("object"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    escalated_at = models.DateTimeField(_("escalated at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-escalated_at"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "level"], name="unique_escalation")
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} #{self.object_id} → {self.get_level_display()}"


class DeadlineNotice(models.Model):
    """One reminder or overdue notice sent for one deadline (``portal.deadlines``: its ``key``) and step:
    makes every reminder job idempotent whatever runs twice or in two workers at once."""

    key = models.CharField(_("deadline"), max_length=120)
    step = models.CharField(_("step"), max_length=20)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline notice")
        verbose_name_plural = _("deadline notices")
        constraints = [models.UniqueConstraint(fields=["key", "step"], name="one_notice_per_deadline_step")]

    def __str__(self) -> str:
        return f"{self.key} {self.step}"


class ApiToken(models.Model):
    """A personal API token for a system that integrates with the portal on a user's behalf (an
    enterprise's ERP, a customs system): created and revoked by the user (``portal.tokens``), listed in
    the admin. Only a SHA-256 hash of the secret is stored; ``prefix`` finds the row and is shown to
    tell tokens apart. A token reads and writes exactly what its user may (``visible_to``), narrowed by
    its scopes: ``read`` (GET) and ``write`` (everything else)."""

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Write")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. “ERP”."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("hash of the secret"), max_length=64, editable=False)
    scopes = ArrayField(
        models.CharField(max_length=10, choices=Scope.choices), verbose_name=_("scopes"), default=list
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    # The secret's hash and each use stay out of the history (a version per call would bury the changes).
    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        default_permissions = ("view", "change")
        indexes = [models.Index(fields=["user", "-created_at"], name="api_token_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


class JobRun(models.Model):
    """One run of a daily job split into id-range chunks that any worker may take (``portal.chunks``).

    An operational record (not shown to users): ``(job, run_key)`` is unique, so a schedule fired twice
    resumes the same run instead of starting another, and ``completed_at`` is set exactly once, by the
    chunk that finishes last.
    """

    job = models.CharField(max_length=60)
    run_key = models.CharField(max_length=40)
    model = models.CharField(max_length=100)
    chunks = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    processed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "run_key"], name="jobrun_once_per_key")]

    def __str__(self) -> str:
        return f"{self.job} {self.run_key}"


class JobChunk(models.Model):
    """The rows of ``run.model`` with ``first_id <= id < stop_id``; ``done_at`` is set once."""

    run = models.ForeignKey(JobRun, on_delete=models.CASCADE, related_name="chunk_rows")
    number = models.PositiveIntegerField()
    first_id = models.BigIntegerField()
    stop_id = models.BigIntegerField()
    attempts = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)  # the worker that took it last
    done_at = models.DateTimeField(null=True, blank=True)
    processed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="jobchunk_once_per_run")]

    def __str__(self) -> str:
        return f"{self.run} #{self.number}"
