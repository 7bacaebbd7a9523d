"""Appeal triage in the admin for customs officers.

The changelist is scoped by ``Appeal.objects.visible_to`` (the integrity channel stays with the
Management Department; a guessed id of an appeal one may not see redirects like a missing one). The
change page is read-only: every change goes through an action with a confirmation page that calls
``appeals.services`` (assign, decide/forward, disqualify the coordinator concerned), one at a time from
the page's buttons or in bulk from the changelist. No add, no delete.
"""

from __future__ import annotations

import datetime
from typing import cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from appeals import services
from appeals.models import Appeal, AppealAttachment, AppealEvent, AppealOutcome, AppealStatus
from coordinators.models import DisqualificationGround
from credit.models import CreditRating
from credit.services import map_rating, regime_on
from portal.admin.toolkit import (
    BigTableAdminMixin,
    ReadOnlyInline,
    ScopedAdminMixin,
    bulk_action_with_form,
    confirmation_page,
    domain_error,
    is_confirmed,
)
from portal.exceptions import DomainError
from portal.forms import DateInput
from portal.models import User
from portal.roles import Role


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Within the deadline"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.overdue(now)
        if self.value() == "no":
            return queryset.open().filter(due_at__gte=now)
        return queryset


class AgeFilter(admin.SimpleListFilter):
    title = _("age")
    parameter_name = "age"
    RANGES = {"7": (0, 7), "30": (7, 30), "90": (30, 90), "older": (90, None)}

    def lookups(self, request, model_admin):
        return [
            ("7", _("Filed in the last 7 days")),
            ("30", _("7 to 30 days old")),
            ("90", _("30 to 90 days old")),
            ("older", _("Older than 90 days")),
        ]

    def queryset(self, request, queryset):
        if self.value() not in self.RANGES:
            return queryset
        newest, oldest = self.RANGES[self.value()]
        now = timezone.now()
        queryset = queryset.filter(filed_at__lte=now - datetime.timedelta(days=newest))
        if oldest is not None:
            queryset = queryset.filter(filed_at__gt=now - datetime.timedelta(days=oldest))
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assigned to")
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        return [("me", _("Me")), ("nobody", _("Nobody"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class AppealEventInline(ReadOnlyInline, admin.TabularInline):
    model = AppealEvent
    readonly_fields = ["at", "kind", "from_status", "to_status", "actor", "note_text"]
    fields = list(readonly_fields)
    verbose_name_plural = _("history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class AppealAttachmentInline(ReadOnlyInline, admin.TabularInline):
    model = AppealAttachment
    readonly_fields = ["download", "size", "uploaded_by", "uploaded_at"]
    fields = list(readonly_fields)

    @admin.display(description=_("file"))
    def download(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("appeals:attachment", args=[obj.pk]), obj.original_name
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


def triage_officers(user):
    """Officers and managers of the actor's district: the people an appeal can be assigned to."""
    district_id = user.district_id_for_scope
    people = User.objects.filter(is_active=True, groups__name__in=[Role.CUSTOMS_OFFICER, Role.MANAGER])
    if not user.has_role(Role.ADMINISTRATOR) or district_id is not None:
        people = people.filter(
            Q(local_customs__district_id=district_id) | Q(department__district_id=district_id)
        )
    return people.distinct().order_by("full_name", "username")


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Officer"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = triage_officers(actor)


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=AppealOutcome.choices)
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The enterprise reads these reasons in the portal."),
    )


class DisqualifyForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=DisqualificationGround.choices)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 6}))
    decided_on = forms.DateField(label=_("Decision date"), initial=timezone.localdate, widget=DateInput())
    confirm = forms.BooleanField(
        label=_("I confirm the disqualification: the coordinator leaves each of their pairs at once."),
        required=True,
    )


class CorrectCreditForm(forms.Form):
    """The correcting credit event of an upheld credit appeal: a rating of the regime in force today,
    proposed as the rating the appealed decision took away."""

    to_rating = forms.ModelChoiceField(queryset=CreditRating.objects.none(), label=_("Corrected rating"))
    effective_date = forms.DateField(label=_("Effective date"), widget=DateInput())
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The enterprise reads these reasons in the portal."),
    )

    def __init__(self, *args, appeal: Appeal, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        regime = regime_on(today)
        cast(forms.ModelChoiceField, self.fields["to_rating"]).queryset = regime.ratings.order_by("-rank")
        appealed = appeal.credit_event
        if appealed is not None and not self.is_bound:
            previous = map_rating(appealed.from_rating, regime) if appealed.from_rating else None
            self.initial.setdefault("to_rating", previous.pk if previous else None)
        self.initial.setdefault("effective_date", today)


@admin.register(Appeal)
class AppealAdmin(BigTableAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "subject",
        "enterprise",
        "appeal_type",
        "status",
        "assigned_to",
        "filed_at",
        "deadline",
        "outcome",
    ]
    list_display_links = ["number", "subject"]
    list_filter = [
        OverdueFilter,
        "status",
        "appeal_type",
        "district",
        "local_customs",
        AgeFilter,
        AssigneeFilter,
        "outcome",
        ("filed_at", admin.DateFieldListFilter),
    ]
    uscc_lookup = "enterprise__uscc"
    search_fields = [
        "=id",
        "subject",
        "enterprise__name_zh",
        "=enterprise__uscc",
        "=enterprise__customs_code",
    ]
    ordering = ["-filed_at", "-id"]
    sortable_by = ["number", "filed_at", "deadline", "status", "appeal_type"]
    list_select_related = ["enterprise", "assigned_to"]
    actions = ["assign_selected", "decide_selected", "disqualify_coordinator"]
    inlines = [AppealAttachmentInline, AppealEventInline]
    fieldsets = [
        (None, {"fields": ["enterprise", "appeal_type", "subject", "grounds", "decision_reference"]}),
        (
            _("Decision appealed against"),
            {"fields": ["credit_event", "abnormal_entry", "coordinator", "source_request_id"]},
        ),
        (_("Triage"), {"fields": ["status", "filed_by", "filed_at", "deadline", "assigned_to"]}),
        (
            _("Decision"),
            {
                "fields": [
                    "outcome",
                    "decision_reasons",
                    "decided_by",
                    "decided_at",
                    "disqualification",
                    "correcting_event",
                ]
            },
        ),
    ]
    readonly_fields = [
        "enterprise",
        "appeal_type",
        "subject",
        "grounds",
        "decision_reference",
        "credit_event",
        "abnormal_entry",
        "coordinator",
        "source_request_id",
        "status",
        "filed_by",
        "filed_at",
        "deadline",
        "assigned_to",
        "outcome",
        "decision_reasons",
        "decided_by",
        "decided_at",
        "disqualification",
        "correcting_event",
    ]
    change_form_template = "admin/appeals/appeal/change_form.html"

    # The change page's joins. The list joins only what it shows (``list_select_related``): with all of
    # these joined, planning the list query took 70 ms against 7 ms to run it.
    detail_related = (
        "enterprise",
        "assigned_to",
        "filed_by",
        "decided_by",
        "coordinator__user",
        "local_customs",
        "district",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-filed_at", "-id")

    def get_object(self, request, object_id, from_field=None):
        queryset = self.get_queryset(request).select_related(*self.detail_related)
        field = self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    # --- permissions: view and triage only --------------------------------------------------------------

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # the page is read-only; changes are the triage actions below

    def has_triage_permission(self, request, obj=None):
        return request.user.has_perm("appeals.change_appeal")

    def has_disqualify_permission(self, request, obj=None):
        return request.user.has_perm("appeals.change_appeal") and request.user.has_perm(
            "coordinators.add_disqualification"
        )

    # --- columns -----------------------------------------------------------------------------------------

    @admin.display(description=_("no."), ordering="id")
    def number(self, obj):
        return f"#{obj.pk}"

    @admin.display(description=_("deadline"), ordering="due_at")
    def deadline(self, obj):
        text = timezone.localtime(obj.due_at).strftime("%Y-%m-%d")
        if obj.is_overdue:
            return format_html(
                '<strong class="overdue" style="color: var(--error-fg, #ba2121)" data-testid="overdue">{} ⚠ {}</strong>',
                text,
                gettext("overdue"),
            )
        return text

    # --- one appeal at a time: buttons on the change page ---------------------------------------------

    def get_urls(self):
        urls = super().get_urls()
        extra = [
            path(
                "<int:pk>/assign/",
                self.admin_site.admin_view(self._single("assign_selected")),
                name="appeals_appeal_assign",
            ),
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self._single("decide_selected")),
                name="appeals_appeal_decide",
            ),
            path(
                "<int:pk>/correct-credit/",
                self.admin_site.admin_view(self.correct_credit_view),
                name="appeals_appeal_correct_credit",
            ),
            path(
                "<int:pk>/disqualify/",
                self.admin_site.admin_view(self._single("disqualify_coordinator")),
                name="appeals_appeal_disqualify",
            ),
        ]
        return extra + urls

    def _single(self, action_name):
        def view(request, pk):
            queryset = self.get_queryset(request).filter(pk=pk)
            permission = "disqualify" if action_name == "disqualify_coordinator" else "triage"
            if not queryset.exists() or not getattr(self, f"has_{permission}_permission")(request):
                self.message_user(
                    request, gettext("This appeal does not exist or you may not handle it."), messages.WARNING
                )
                return HttpResponseRedirect(reverse("admin:appeals_appeal_changelist"))
            response = getattr(self, action_name)(request, queryset)
            return response or HttpResponseRedirect(reverse("admin:appeals_appeal_change", args=[pk]))

        return view

    def has_correct_credit_permission(self, request, obj=None):
        return self.has_triage_permission(request) and request.user.has_perm("credit.add_creditevent")

    def correct_credit_view(self, request, pk):
        """Record the correcting credit event of an upheld credit appeal (one page, one service call)."""
        appeal = self.get_queryset(request).select_related("credit_event__from_rating").filter(pk=pk).first()
        if appeal is None or not self.has_correct_credit_permission(request):
            self.message_user(
                request, gettext("This appeal does not exist or you may not handle it."), messages.WARNING
            )
            return HttpResponseRedirect(reverse("admin:appeals_appeal_changelist"))
        back = HttpResponseRedirect(reverse("admin:appeals_appeal_change", args=[pk]))
        if not appeal.awaits_credit_correction:
            self.message_user(
                request,
                gettext("This appeal awaits no credit correction."),
                messages.WARNING,
            )
            return back
        form = CorrectCreditForm(request.POST if request.method == "POST" else None, appeal=appeal)
        if request.method == "POST" and form.is_valid():
            try:
                event = services.correct_credit_decision(
                    appeal=appeal,
                    to_rating=form.cleaned_data["to_rating"],
                    effective_date=form.cleaned_data["effective_date"],
                    reasons=form.cleaned_data["reasons"],
                    actor=request.user,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(
                    request,
                    gettext("Recorded: %(enterprise)s is now %(rating)s from %(date)s.")
                    % {
                        "enterprise": appeal.enterprise,
                        "rating": event.to_rating,
                        "date": event.effective_date,
                    },
                    messages.SUCCESS,
                )
                return back
        return confirmation_page(
            self,
            request,
            self.get_queryset(request).filter(pk=pk),
            title=gettext("Record the correcting credit event"),
            form=form,
            submit_label=gettext("Record the correction"),
            template="admin/appeals/appeal/correct_credit.html",
            appeal=appeal,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_triage": self.has_triage_permission(request),
            "can_disqualify": self.has_disqualify_permission(request),
            "can_correct_credit": self.has_correct_credit_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- actions (bulk, with a confirmation page; each calls the service per appeal) -------------------

    @admin.action(description=_("Assign to an officer"), permissions=["triage"])
    def assign_selected(self, request, queryset):
        return bulk_action_with_form(
            self,
            request,
            queryset,
            form=lambda data: AssignForm(data, actor=request.user),
            call=lambda appeal, data: services.assign_appeal(
                appeal=appeal, officer=data["officer"], actor=request.user
            ),
            success=lambda n, data: (
                ngettext("Assigned %(n)d appeal to %(officer)s.", "Assigned %(n)d appeals to %(officer)s.", n)
                % {"n": n, "officer": data["officer"]}
            ),
            title=gettext("Assign appeals"),
            submit_label=gettext("Assign"),
        )

    @admin.action(description=_("Decide or forward to the Management Department"), permissions=["triage"])
    def decide_selected(self, request, queryset):
        return bulk_action_with_form(
            self,
            request,
            queryset,
            form=DecideForm,
            call=lambda appeal, data: services.decide_appeal(
                appeal=appeal, outcome=data["outcome"], reasons=data["reasons"], actor=request.user
            ),
            success=lambda n, data: (
                ngettext("%(n)d appeal: %(outcome)s.", "%(n)d appeals: %(outcome)s.", n)
                % {"n": n, "outcome": AppealOutcome(data["outcome"]).label}
            ),
            title=gettext("Decide appeals"),
            submit_label=gettext("Record the decision"),
            template="admin/appeals/appeal/decide.html",
        )

    @admin.action(
        description=_("Disqualify the coordinator concerned (integrity channel)"), permissions=["disqualify"]
    )
    def disqualify_coordinator(self, request, queryset):
        appeals = list(queryset[:2])
        if len(appeals) != 1:
            self.message_user(
                request, gettext("Select exactly one appeal for this action."), messages.WARNING
            )
            return None
        appeal = appeals[0]
        if not appeal.is_integrity_channel:
            self.message_user(
                request,
                gettext("Only an appeal about a coordinator's conduct can lead to a disqualification."),
                messages.ERROR,
            )
            return None
        form = DisqualifyForm(request.POST if is_confirmed(request) else None)
        if is_confirmed(request) and form.is_valid():
            data = form.cleaned_data
            try:
                decision = services.disqualify_from_appeal(
                    appeal=appeal,
                    ground=data["ground"],
                    evidence=data["evidence"],
                    decided_on=data["decided_on"],
                    actor=request.user,
                )
            except DomainError as exc:
                domain_error(self, request, exc)
                form.add_error(None, exc.message)
            else:
                self.message_user(
                    request,
                    gettext(
                        "%(coordinator)s is disqualified (%(ground)s) and replaced in each of their pairs."
                    )
                    % {"coordinator": decision.coordinator, "ground": decision.get_ground_display()},
                    messages.SUCCESS,
                )
                return None
        return confirmation_page(
            self,
            request,
            queryset,
            title=gettext("Disqualify the coordinator concerned"),
            form=form,
            submit_label=gettext("Disqualify"),
            template="admin/appeals/appeal/disqualify.html",
            appeal=appeal,
        )


@admin.register(AppealEvent)
class AppealEventAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The append-only log of every appeal change, searchable on its own."""

    list_display = ["appeal", "kind", "from_status", "to_status", "actor", "at"]
    list_filter = ["kind"]
    list_select_related = ["appeal", "actor"]
    show_full_result_count = False
    date_hierarchy = "at"
    readonly_fields = ["appeal", "kind", "from_status", "to_status", "actor", "at", "note_text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Status values that an officer may still act on (used by the change-form buttons).
OPEN = {AppealStatus.SUBMITTED, AppealStatus.IN_REVIEW, AppealStatus.FORWARDED}
