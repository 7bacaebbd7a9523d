"""Coordination requests: what an enterprise asks its coordinators, and everything that happens to it
(docs/DOMAIN.md, "The seven services", "Service practice", first-consulting responsibility).

DOMAIN notes:
- ``status`` is written only by ``coordination.states.transition`` (one table of allowed
  transitions); every change is an append-only ``RequestTransition`` row.
- First-consulting responsibility: ``first_office`` is the local customs first asked and never changes;
  ``responsible_office`` stays the first office while a transfer is pending (``pending_office`` /
  ``pending_department``) and becomes the receiving one only when it accepts. Nothing is deleted
  (``on_delete=PROTECT`` everywhere).
- SLA: ``first_response_due`` and ``resolution_due`` are stored (computed from ``ServiceLevel`` in
  working days when filed); asking the enterprise for information pauses the clock and the paused
  working days extend ``resolution_due`` when the clock restarts. ``RequestHandler`` rows record the
  coordinators responsible (the pair when filed, and whoever accepted or took the request over), so
  overdue counts per coordinator are exact (``selectors.overdue_counts_by_coordinator``).
- Internal notes (``RequestMessage.is_internal``) and their attachments are for customs only.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from enterprises.models import EnterpriseOwned
from portal.conf import tunable
from portal.messages import render
from portal.models import DecisionRecord
from portal.scoping import OFFICER_ROLES, Scope, ScopedQuerySet, ScopeRule
from portal.uploads import PrivateFile


class ServiceType(models.TextChoices):
    """The seven services a coordinator provides (docs/DOMAIN.md)."""

    CONSULTING = "consulting", _("Consulting on customs policies, laws and regulations")
    APPEALS = "appeals", _("Hearing and reporting reasonable appeals")
    DIFFICULT_PROBLEMS = (
        "difficult_problems",
        _("Coordinating and solving difficult problems in customs affairs"),
    )
    OPINIONS = "opinions", _("Soliciting opinions and suggestions on customs administration")
    STANDARDS_GUIDANCE = (
        "standards_guidance",
        _("Guidance on improving standards; good faith and law compliance"),
    )
    COOPERATION_GUIDANCE = "cooperation_guidance", _("Guidance on cooperating with customs administration")
    OTHER = "other", _("Other matters of customs–enterprise cooperation")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_ENTERPRISE = "awaiting_enterprise", _("Awaiting the enterprise")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected (outside scope)")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    TRANSFERRED = "transferred", _("Transfer pending")


#: Statuses in which the request is still being handled (the enterprise can reply, customs can act).
OPEN_STATUSES = (
    RequestStatus.SUBMITTED,
    RequestStatus.ACCEPTED,
    RequestStatus.IN_PROGRESS,
    RequestStatus.AWAITING_ENTERPRISE,
    RequestStatus.TRANSFERRED,
)
#: Open statuses in which the SLA clock runs (awaiting the enterprise pauses it).
CLOCK_RUNNING_STATUSES = (
    RequestStatus.SUBMITTED,
    RequestStatus.ACCEPTED,
    RequestStatus.IN_PROGRESS,
    RequestStatus.TRANSFERRED,
)


class ServiceLevel(models.Model):
    """SLA targets for one service type, in working days; managers edit them in the admin."""

    service_type = models.CharField(
        _("service type"), max_length=30, choices=ServiceType.choices, unique=True
    )
    first_response_working_days = models.PositiveSmallIntegerField(
        _("first response within (working days)"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    resolution_working_days = models.PositiveSmallIntegerField(
        _("resolution within (working days)"), validators=[MinValueValidator(1), MaxValueValidator(250)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        ordering = ["service_type"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_response_working_days__gte=1)
                & Q(resolution_working_days__gte=models.F("first_response_working_days")),
                name="sla_resolution_not_before_first_response",
            )
        ]

    def __str__(self) -> str:
        return str(self.get_service_type_display())


class CoordinationRequestQuerySet(ScopedQuerySet):
    """``visible_to(user)`` (``portal.scoping``) plus the request's own filters."""

    def open(self) -> CoordinationRequestQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: datetime.datetime | None = None) -> CoordinationRequestQuerySet:
        """Open requests whose clock runs and whose first response or resolution is past due."""
        now = now or timezone.now()
        return self.filter(status__in=CLOCK_RUNNING_STATUSES).filter(
            Q(first_responded_at__isnull=True, first_response_due__lt=now) | Q(resolution_due__lt=now)
        )


class CoordinationRequest(EnterpriseOwned):
    """DOMAIN note (seeing): everyone who sees the enterprise sees its requests (``portal.scoping``);
    customs staff also see requests transferred to their office — pending, or accepted from another
    office — and officers and managers those transferred to their department. A recused coordinator
    sees none of the enterprise's requests by any path."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="coordination_requests",
        verbose_name=_("enterprise"),
    )
    service_type = models.CharField(_("service type"), max_length=30, choices=ServiceType.choices)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=RequestStatus.choices,
        default=RequestStatus.SUBMITTED,
        editable=False,
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    # First-consulting responsibility.
    first_office = models.ForeignKey(
        "portal.LocalCustoms",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("first consulted office"),
    )
    responsible_office = models.ForeignKey(
        "portal.LocalCustoms",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible office"),
    )
    responsible_department = models.ForeignKey(
        "portal.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible department"),
    )
    pending_office = models.ForeignKey(
        "portal.LocalCustoms",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("transfer pending to office"),
    )
    pending_department = models.ForeignKey(
        "portal.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("transfer pending to department"),
    )
    lead = models.ForeignKey(
        "coordinators.Coordinator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_requests",
        verbose_name=_("accepted by"),
    )
    # SLA.
    first_response_due = models.DateTimeField(_("first response due"))
    resolution_due = models.DateTimeField(_("resolution due"))
    first_responded_at = models.DateTimeField(_("first responded at"), null=True, blank=True)
    # The deadline of the clock that matters now (``compute_next_due``): what the workspace sorts by.
    next_due = models.DateTimeField(_("next deadline"), null=True, blank=True, editable=False)
    paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(_("working days paused"), default=0)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_summary = models.TextField(_("resolution summary"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("service rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(_("rating comment"), blank=True)
    site_visit_requested_at = models.DateTimeField(_("site visit requested at"), null=True, blank=True)
    converted_appeal_id = models.PositiveBigIntegerField(
        _("converted to appeal"),
        null=True,
        blank=True,
        help_text=_("The appeal this request became, if any."),
    )
    # Full-text search (coordination.search, portal.search): the words of the subject, description and
    # the messages everyone reads; and, apart, those of the internal notes, searched by customs only.
    # Kept in step by the services that write the text, in the same transaction.
    search_vector = SearchVectorField(null=True, editable=False)
    internal_search_vector = SearchVectorField(null=True, editable=False)

    objects = CoordinationRequestQuerySet.as_manager()  # type: ignore[misc]  # a narrower manager than EnterpriseOwned's

    @classmethod
    def scope_extra(cls, scope: Scope, prefix: str = "") -> Q | None:
        """Requests transferred to the user's office or department (first-consulting responsibility)."""
        if not scope.is_customs:
            return None
        q = Q(pk__in=[])
        if scope.office_id:
            office = scope.office_id
            q |= Q(**{f"{prefix}pending_office_id": office}) | (
                Q(**{f"{prefix}responsible_office_id": office})
                & ~Q(**{f"{prefix}first_office_id": models.F(f"{prefix}responsible_office_id")})
            )
        if scope.department_id and scope.roles & OFFICER_ROLES:
            department = scope.department_id
            q |= Q(**{f"{prefix}pending_department_id": department}) | Q(
                **{f"{prefix}responsible_department_id": department}
            )
        return q

    class Meta:
        verbose_name = _("coordination request")
        verbose_name_plural = _("coordination requests")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="request_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(resolution_due__gte=models.F("first_response_due")),
                name="request_resolution_after_first_response",
            ),
            models.CheckConstraint(
                condition=~Q(status="transferred")
                | Q(pending_office__isnull=False)
                | Q(pending_department__isnull=False),
                name="request_transfer_has_target",
            ),
        ]
        indexes = [
            # My requests: per enterprise, newest first, with status / type filters.
            models.Index(fields=["enterprise", "-filed_at", "-id"], name="req_ent_filed"),
            models.Index(fields=["enterprise", "status", "-filed_at", "-id"], name="req_ent_status_filed"),
            models.Index(
                fields=["enterprise", "service_type", "-filed_at", "-id"], name="req_ent_type_filed"
            ),
            # Workspace queue: open requests by the next deadline of whichever clock runs.
            models.Index(
                fields=["enterprise", "next_due", "id"],
                condition=Q(
                    status__in=["submitted", "accepted", "in_progress", "awaiting_enterprise", "transferred"]
                ),
                name="req_ent_open_due",
            ),
            models.Index(
                fields=["pending_office", "status"],
                condition=Q(pending_office__isnull=False),
                name="req_pending_office",
            ),
            models.Index(
                fields=["responsible_office", "status", "resolution_due"], name="req_office_status_due"
            ),
            # Escalation job: running clocks by due time.
            models.Index(
                fields=["resolution_due", "id"],
                condition=Q(status__in=["submitted", "accepted", "in_progress", "transferred"]),
                name="req_running_due",
            ),
            models.Index(fields=["status", "-filed_at", "-id"], name="req_status_filed"),
            # The officer's admin list: newest first under a scope that ORs the district with the
            # requests transferred to their office. Read in this order with the scope as a filter, the
            # first page stops after a few hundred rows (no sort of the district's 800,000).
            models.Index(fields=["-filed_at", "-id"], name="req_filed"),
            # The dashboard's satisfaction: requests rated and resolved in the period.
            models.Index(
                fields=["resolved_at"], condition=Q(rating__isnull=False), name="req_rated_resolved"
            ),
            # Officers and managers: their district's requests, newest first (portal.scoping).
            models.Index(fields=["district", "-filed_at", "-id"], name="req_district_filed"),
            models.Index(fields=["district", "status", "-filed_at", "-id"], name="req_district_status_filed"),
            GinIndex(fields=["subject"], name="req_subject_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["search_vector"], name="req_search"),
            GinIndex(fields=["internal_search_vector"], name="req_internal_search"),
            # The officer's desk: overdue work of a district or an office (next_due: the running clock).
            models.Index(
                fields=["district", "next_due", "id"],
                condition=Q(status__in=["submitted", "accepted", "in_progress", "transferred"]),
                name="req_district_running_due",
            ),
            models.Index(
                fields=["responsible_office", "next_due", "id"],
                condition=Q(status__in=["submitted", "accepted", "in_progress", "transferred"]),
                name="req_office_running_due",
            ),
            models.Index(
                fields=["pending_department", "status"],
                condition=Q(pending_department__isnull=False),
                name="req_pending_department",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def clock_running(self) -> bool:
        return self.status in CLOCK_RUNNING_STATUSES

    def is_first_response_overdue(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.first_responded_at is not None:
            return self.first_responded_at > self.first_response_due
        return self.clock_running and now > self.first_response_due

    def is_resolution_overdue(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.resolved_at is not None:
            return self.resolved_at > self.resolution_due
        return self.clock_running and now > self.resolution_due

    @property
    def is_overdue(self) -> bool:
        """Open, the clock runs, and a target has passed (what the flag on lists shows)."""
        now = timezone.now()
        if not self.clock_running:
            return False
        return (
            self.first_responded_at is None and now > self.first_response_due
        ) or now > self.resolution_due

    def compute_next_due(self) -> datetime.datetime | None:
        """The deadline that matters now: the first response until customs wrote to the enterprise, then
        the resolution; none once the request is closed. Kept in ``next_due`` by the services (the
        workspace sorts on it, the soonest first)."""
        if not self.is_open:
            return None
        if self.first_responded_at is None:
            return self.first_response_due
        return self.resolution_due

    @property
    def reopen_until(self) -> datetime.datetime | None:
        """Until when the contact person may reopen a resolved request (REOPEN_WINDOW_DAYS after its
        resolution), or None when it cannot be reopened."""
        if self.status not in (RequestStatus.RESOLVED, RequestStatus.CLOSED) or self.resolved_at is None:
            return None
        return self.resolved_at + datetime.timedelta(days=int(tunable("REOPEN_WINDOW_DAYS")))

    @property
    def running_clock(self) -> str:
        """Which clock runs now: "first_response", "resolution", "paused" (awaiting the enterprise) or ""."""
        if not self.is_open:
            return ""
        if not self.clock_running:
            return "paused"
        return "first_response" if self.first_responded_at is None else "resolution"

    @property
    def time_left(self) -> datetime.timedelta | None:
        due = self.next_due
        return None if due is None else due - timezone.now()


class CustomsOnlyRows:
    """Rows with ``is_internal``: scoped as their request, internal ones for customs staff only."""

    @classmethod
    def scope_restrict(cls, scope: Scope, prefix: str = "") -> Q | None:
        return None if scope.is_customs else Q(**{f"{prefix}is_internal": False})


class RequestHandler(models.Model):
    """A coordinator responsible for a request: the enterprise's pair when filed, or whoever accepted it
    or took it over (a substitute, the receiving office after a transfer). A coordinator who withdraws,
    is disqualified, loses the qualification or whose office hands the request over stops handling it:
    the row is ended (``ended_at``, ``end_reason``), never deleted, so the history of who was responsible
    when stays. Only active handlers are shown, notified, and counted on the dashboard."""

    scope_rule = ScopeRule(via="request")

    class Reason(models.TextChoices):
        PAIR = "pair", _("Pair of the enterprise")
        ACCEPTED = "accepted", _("Accepted the request")
        SUBSTITUTE = "substitute", _("Took the request over")
        ASSIGNED = "assigned", _("Assigned by a colleague")

    request = models.ForeignKey(
        CoordinationRequest, on_delete=models.PROTECT, related_name="handlers", verbose_name=_("request")
    )
    coordinator = models.ForeignKey(
        "coordinators.Coordinator",
        on_delete=models.PROTECT,
        related_name="request_handlings",
        verbose_name=_("coordinator"),
    )

    class EndReason(models.TextChoices):
        RECUSAL = "recusal", _("Withdrew (recusal)")
        DISQUALIFICATION = "disqualification", _("Disqualified")
        QUALIFICATION_LAPSED = "qualification_lapsed", _("Qualification lapsed")
        TRANSFERRED = "transferred", _("The request was transferred to another office")
        REPLACED = "replaced", _("Replaced in the pair")
        ROTATION = "rotation", _("Rotated out (longest service reached)")

    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=30, choices=EndReason.choices, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("request handler")
        verbose_name_plural = _("request handlers")
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "coordinator"], name="one_handler_row_per_coordinator")
        ]
        indexes = [
            models.Index(fields=["coordinator", "request"], name="handler_coordinator"),
            models.Index(
                fields=["coordinator", "request"], condition=Q(ended_at__isnull=True), name="handler_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coordinator} → #{self.request_id}"


class RequestTransition(CustomsOnlyRows, models.Model):
    """One change of a request's status: who, when, from, to, why. Append-only."""

    scope_rule = ScopeRule(via="request")

    request = models.ForeignKey(
        CoordinationRequest, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("request")
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=30, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=30, choices=RequestStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    # What the system adds to the note (e.g. "Transferred to …"), rendered in the reader's language.
    note_message = models.JSONField(_("system note"), null=True, blank=True, editable=False)
    is_internal = models.BooleanField(_("customs only"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("request transition")
        verbose_name_plural = _("request transitions")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at", "id"], name="transition_request")]

    def __str__(self) -> str:
        return f"#{self.request_id} {self.from_status or '—'} → {self.to_status}"

    @property
    def note_text(self) -> str:
        return render(self.note_message) if self.note_message else self.note


class RequestMessage(CustomsOnlyRows, models.Model):
    scope_rule = ScopeRule(via="request")

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        INFORMATION_REQUEST = "information_request", _("Request for information")
        RESOLUTION = "resolution", _("Resolution")
        DEPARTMENT_ANSWER = "department_answer", _("Answer of a department")

    request = models.ForeignKey(
        CoordinationRequest, on_delete=models.PROTECT, related_name="messages", verbose_name=_("request")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    from_customs = models.BooleanField(_("from customs"), default=False)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.MESSAGE)
    body = models.TextField(_("message"))
    # A line the system writes (a visit scheduled, a site visit asked for): rendered in the reader's
    # language (portal.messages); ``body`` then holds its text at the time, for search.
    system_message = models.JSONField(_("system message"), null=True, blank=True, editable=False)
    is_internal = models.BooleanField(
        _("internal note"),
        default=False,
        help_text=_("Visible to customs staff only, never to the enterprise."),
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("request message")
        verbose_name_plural = _("request messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(is_internal=True) | Q(from_customs=True), name="internal_notes_from_customs_only"
            )
        ]
        indexes = [models.Index(fields=["request", "created_at", "id"], name="message_request")]

    def __str__(self) -> str:
        return f"#{self.request_id} {self.author}: {self.body[:40]}"

    @property
    def text(self) -> str:
        return render(self.system_message) if self.system_message else self.body


class RequestAttachment(CustomsOnlyRows, PrivateFile):
    """A file of a request (portal.uploads), served only by the access-checking download view."""

    scope_rule = ScopeRule(via="request")

    UPLOAD_PREFIX = "requests"

    request = models.ForeignKey(
        CoordinationRequest, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("request")
    )
    message = models.ForeignKey(
        RequestMessage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("message"),
    )
    is_internal = models.BooleanField(_("customs only"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["request", "uploaded_at"], name="attachment_request")]


class RequestTransfer(DecisionRecord):
    """A transfer of a request to another local customs office or department (first-consulting
    responsibility: the first office stays responsible until the receiving one accepts)."""

    scope_rule = ScopeRule(via="request")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    request = models.ForeignKey(
        CoordinationRequest, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("request")
    )
    from_office = models.ForeignKey(
        "portal.LocalCustoms",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from office"),
    )
    from_department = models.ForeignKey(
        "portal.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from department"),
    )
    to_office = models.ForeignKey(
        "portal.LocalCustoms",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to office"),
    )
    to_department = models.ForeignKey(
        "portal.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to department"),
    )
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("request transfer")
        verbose_name_plural = _("request transfers")
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(to_office__isnull=False) & Q(to_department__isnull=True))
                | (Q(to_office__isnull=True) & Q(to_department__isnull=False)),
                name="transfer_to_office_or_department",
            ),
            models.UniqueConstraint(
                fields=["request"], condition=Q(outcome="pending"), name="one_pending_transfer_per_request"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.request_id} → {self.to_office or self.to_department}"

    @property
    def target(self):
        return self.to_office or self.to_department


class SiteVisit(EnterpriseOwned):
    """A visit to the enterprise's premises, always by two distinct coordinators (docs/DOMAIN.md)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    request = models.ForeignKey(
        CoordinationRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="site_visits",
        verbose_name=_("request"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="site_visits",
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
    scheduled_for = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=300)
    purpose = models.TextField(_("purpose"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("scheduled by")
    )
    scheduled_at = models.DateTimeField(_("scheduled at"), default=timezone.now)

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["-scheduled_for", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(coordinator_a__lt=models.F("coordinator_b")),
                name="visit_by_two_distinct_coordinators",
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "-scheduled_for"], name="visit_enterprise"),
            models.Index(fields=["district", "-scheduled_for"], name="visit_district"),
            models.Index(fields=["request"], name="visit_request"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.scheduled_for:%Y-%m-%d}"


class SiteVisitRecord(models.Model):
    """What happened on a site visit, written on or after the visit's date by one of its coordinators
    and co-signed (docs/DOMAIN.md, "Site visits"): both coordinators confirm it, then the enterprise's
    contact person acknowledges it or disputes it with a comment. The record is fixed once written;
    signatures are rows of their own, timestamped, never edited."""

    visit = models.OneToOneField(
        SiteVisit, on_delete=models.PROTECT, related_name="record", verbose_name=_("visit")
    )
    attendees = models.TextField(_("attendees"), help_text=_("Who took part, one per line."))
    findings = models.TextField(_("findings"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    scope_rule = ScopeRule(via="visit")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("site visit record")
        verbose_name_plural = _("site visit records")

    def __str__(self) -> str:
        return f"{self.visit}"

    def signature_of(self, user) -> VisitSignature | None:
        return next((s for s in self.signatures.all() if s.signer_id == user.pk), None)

    @property
    def coordinator_user_ids(self) -> set[int]:
        return {self.visit.coordinator_a.user_id, self.visit.coordinator_b.user_id}

    @property
    def confirmed_by_both(self) -> bool:
        signed = {
            s.signer_id for s in self.signatures.all() if s.decision == VisitSignature.Decision.CONFIRMED
        }
        return self.coordinator_user_ids <= signed

    @property
    def enterprise_signature(self) -> VisitSignature | None:
        return next(
            (s for s in self.signatures.all() if s.decision != VisitSignature.Decision.CONFIRMED), None
        )

    @property
    def state(self) -> str:
        """ "coordinators" (a coordinator has not confirmed), "enterprise" (awaiting the contact person),
        "acknowledged" or "disputed"."""
        if not self.confirmed_by_both:
            return "coordinators"
        signature = self.enterprise_signature
        return "enterprise" if signature is None else signature.decision


class VisitAction(models.Model):
    """A follow-up action agreed on a visit: what, who, by when."""

    class Owner(models.TextChoices):
        ENTERPRISE = "enterprise", _("The enterprise")
        CUSTOMS = "customs", _("Customs")

    record = models.ForeignKey(
        SiteVisitRecord, on_delete=models.PROTECT, related_name="actions", verbose_name=_("record")
    )
    description = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("owner"), max_length=20, choices=Owner.choices)
    due_on = models.DateField(_("due on"))

    scope_rule = ScopeRule(via="record")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description


class VisitSignature(models.Model):
    """One signature of a visit record: a coordinator's confirmation, or the contact person's
    acknowledgement or dispute (with a comment). Immutable."""

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed (coordinator)")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged (enterprise)")
        DISPUTED = "disputed", _("Disputed (enterprise)")

    record = models.ForeignKey(
        SiteVisitRecord, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("record")
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)

    scope_rule = ScopeRule(via="record")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit record signature")
        verbose_name_plural = _("visit record signatures")
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "signer"], name="one_signature_per_signer"),
            models.CheckConstraint(
                condition=~Q(decision="disputed") | ~Q(comment=""), name="dispute_has_a_comment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signer} {self.decision}"


class VisitAttachment(PrivateFile):
    """A file of a visit record (portal.uploads)."""

    UPLOAD_PREFIX = "visits"

    record = models.ForeignKey(
        SiteVisitRecord, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("record")
    )

    scope_rule = ScopeRule(via="record")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit attachment")
        verbose_name_plural = _("visit attachments")
        ordering = ["uploaded_at", "id"]


class PublishedAnswer(models.Model):
    """A resolved request published as a question and answer for all enterprises, identity removed."""

    source_request = models.OneToOneField(
        CoordinationRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_answer",
        verbose_name=_("source request"),
    )
    service_type = models.CharField(_("service type"), max_length=30, choices=ServiceType.choices)
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"))
    # title + question + answer, kept in step by the publishing service: one trigram index to search.
    search_text = models.TextField(_("search text"), editable=False, default="")
    # The same text segmented into words (portal.search), ranked by ts_rank; kept by the services.
    search_vector = SearchVectorField(null=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("published by")
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    is_withdrawn = models.BooleanField(_("withdrawn"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("published answer")
        verbose_name_plural = _("published answers")
        ordering = ["-published_at", "-id"]
        indexes = [
            GinIndex(fields=["search_text"], name="answer_search_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["title"], name="answer_title_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["search_vector"], name="answer_search"),
            models.Index(fields=["service_type", "-published_at", "-id"], name="answer_type_recent"),
            models.Index(
                fields=["-published_at", "-id"], name="answer_recent", condition=Q(is_withdrawn=False)
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SavedFilter(models.Model):
    """A coordinator's or officer's saved view of the workspace: a name and the filter's query string
    (status, overdue, assignee, search words, ...), offered as a link above the queue."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_filters",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("filter"), max_length=500)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name", "id"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="one_saved_filter_name_per_user")
        ]

    def __str__(self) -> str:
        return self.name


class CannedResponse(models.Model):
    """A reply a local customs office reuses (how to book a site visit, where the guidance is):
    managed in the admin by the office's officers, offered to its coordinators in the reply form."""

    office = models.ForeignKey(
        "portal.LocalCustoms",
        on_delete=models.PROTECT,
        related_name="canned_responses",
        verbose_name=_("local customs"),
    )
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("offered"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    # Customs staff of the district see its offices' responses (officers manage their own office's).
    scope_rule = ScopeRule(enterprise=None, district="office__district")

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["office", "title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "title"], name="one_canned_title_per_office")
        ]
        indexes = [
            models.Index(fields=["office", "title"], condition=Q(is_active=True), name="canned_active")
        ]

    def __str__(self) -> str:
        return self.title
