"""Admin for regimes, ratings, credit events, the certification standard and self-examinations.

Regimes, their ratings and the rating mappings are data an administrator edits to add the next decree
without code. Credit events are history: the only way to create one here is the "record a credit event"
form, which calls ``credit.services.record_credit_event`` (refusals are shown on the form).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from credit import services
from credit.models import (
    CreditEvent,
    CreditEventReason,
    CreditRating,
    CreditRegime,
    Judgement,
    RatingMapping,
    SelfExamination,
    SelfExaminationAnswer,
    StandardItem,
)
from enterprises.models import Enterprise
from portal.admin.toolkit import (
    AppendOnlyAdminMixin,
    ReadOnlyInline,
    ScopedAdminMixin,
    ScopedHistoryMixin,
    extend_admin,
)
from portal.exceptions import DomainError
from portal.forms import DateInput

# --- Regimes, ratings, mappings: editable data ---------------------------------------------------------


class CreditRatingInline(admin.TabularInline):
    model = CreditRating
    extra = 0
    fields = ["code", "name_zh", "name_en", "rank", "is_aeo", "gets_coordinators", "is_untrustworthy"]


@admin.register(CreditRegime)
class CreditRegimeAdmin(ScopedHistoryMixin, SimpleHistoryAdmin):
    list_display = [
        "code",
        "name_zh",
        "effective_from",
        "review_cycle_years",
        "reapply_bar_months",
        "gift_bar_years",
    ]
    search_fields = ["code", "name_zh", "name_en", "legal_basis"]
    inlines = [CreditRatingInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditRating)
class CreditRatingAdmin(ScopedHistoryMixin, SimpleHistoryAdmin):
    list_display = ["name_zh", "code", "regime", "rank", "is_aeo", "gets_coordinators", "is_untrustworthy"]
    list_filter = ["regime", "is_aeo", "gets_coordinators"]
    search_fields = ["code", "name_zh", "name_en", "regime__code"]
    list_select_related = ["regime"]
    autocomplete_fields = ["regime"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RatingMapping)
class RatingMappingAdmin(ScopedHistoryMixin, SimpleHistoryAdmin):
    list_display = ["from_rating", "to_rating"]
    list_filter = ["to_rating__regime"]
    list_select_related = ["from_rating__regime", "to_rating__regime"]
    autocomplete_fields = ["from_rating", "to_rating"]


# --- Credit events: read-only history plus the "record" form ----------------------------------------------


class RatingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.regime.code} · {obj}"


class RecordCreditEventForm(forms.Form):
    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("enterprise"))
    to_rating = RatingChoiceField(
        queryset=CreditRating.objects.select_related("regime").order_by("-regime__effective_from", "-rank"),
        label=_("new rating"),
        help_text=_("A rating of the regime in force on the effective date."),
    )
    effective_date = forms.DateField(label=_("effective date"), widget=DateInput())
    # A correction after an upheld appeal is recorded from the appeal, which it then names.
    reason = forms.ChoiceField(
        choices=[c for c in CreditEventReason.choices if c[0] != CreditEventReason.APPEAL_CORRECTION],
        label=_("reason"),
    )
    reason_text = forms.CharField(
        label=_("reason details"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    legal_basis = forms.CharField(
        label=_("legal basis"),
        max_length=200,
        required=False,
        help_text=_("Empty: the regime's legal basis."),
    )
    evidence = forms.CharField(label=_("evidence"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"] = forms.ModelChoiceField(
            queryset=Enterprise.objects.visible_to(user),
            label=_("enterprise"),
            widget=AutocompleteSelect(CreditEvent._meta.get_field("enterprise"), admin_site),
        )


class DirectionFilter(admin.SimpleListFilter):
    """Nothing but a shortcut to the raises and downgrades, the events people look for."""

    title = _("direction")
    parameter_name = "direction"

    def lookups(self, request, model_admin):
        return [("down", _("Downgrades")), ("certification", _("Certifications"))]

    def queryset(self, request, queryset):
        if self.value() == "down":
            return queryset.filter(
                reason__in=[
                    CreditEventReason.DOWNGRADE,
                    CreditEventReason.GIFT_RULE,
                    CreditEventReason.ABNORMAL_LIST,
                ]
            )
        if self.value() == "certification":
            return queryset.filter(
                reason__in=[CreditEventReason.CERTIFICATION, CreditEventReason.RECERTIFICATION]
            )
        return queryset


@admin.register(CreditEvent)
class CreditEventAdmin(ScopedAdminMixin, AppendOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "enterprise",
        "effective_date",
        "from_rating",
        "to_rating",
        "reason",
        "actor",
        "recorded_at",
    ]
    list_filter = [
        DirectionFilter,
        "reason",
        "regime",
        "to_rating",
        "district",
        "enterprise__local_customs",
    ]
    search_fields = ["enterprise__name_zh", "=enterprise__uscc", "=enterprise__customs_code"]
    list_select_related = ["enterprise", "from_rating", "to_rating", "actor"]
    show_full_result_count = False
    readonly_fields = [
        "enterprise",
        "regime",
        "from_rating",
        "to_rating",
        "effective_date",
        "reason",
        "reason_text",
        "legal_basis",
        "evidence",
        "actor",
        "recorded_at",
        "source_key",
    ]
    fields = list(readonly_fields)

    def has_add_permission(self, request):
        return request.user.has_perm("credit.add_creditevent")

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        kwargs = {"user": request.user, "admin_site": self.admin_site}
        if request.method == "POST":
            form = RecordCreditEventForm(request.POST, **kwargs)
            if form.is_valid():
                try:
                    event = services.record_credit_event(actor=request.user, **form.cleaned_data)
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    self.message_user(
                        request,
                        gettext("Recorded: %(enterprise)s is now %(rating)s from %(date)s.")
                        % {
                            "enterprise": event.enterprise,
                            "rating": event.to_rating,
                            "date": event.effective_date,
                        },
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:credit_creditevent_changelist"))
        else:
            initial = {"effective_date": timezone.localdate()}
            if request.GET.get("enterprise", "").isdigit():
                initial["enterprise"] = request.GET["enterprise"]
            form = RecordCreditEventForm(initial=initial, **kwargs)
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            "admin/credit/creditevent/record.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Record a credit event"),
                "opts": self.model._meta,
                "form": form,
                "media": self.media + form.media,
            },
        )


# --- The certification standard and self-examinations ---------------------------------------------------


@admin.register(StandardItem)
class StandardItemAdmin(ScopedHistoryMixin, SimpleHistoryAdmin):
    list_display = ["code", "category", "title_zh", "title_en", "position", "active"]
    list_filter = ["category", "active"]
    list_editable = ["position", "active"]
    search_fields = ["code", "title_zh", "title_en"]

    def has_delete_permission(self, request, obj=None):
        return False  # answers refer to items; retire an item with "active" instead


class AnswerInline(ReadOnlyInline, admin.TabularInline):
    model = SelfExaminationAnswer
    readonly_fields = ["item", "judgement", "evidence"]
    fields = list(readonly_fields)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item").order_by("item__position", "item__code")


class LatestOnlyFilter(admin.SimpleListFilter):
    title = _("self-examinations")
    parameter_name = "latest"

    def lookups(self, request, model_admin):
        return [("yes", _("Latest of each enterprise"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            latest = (
                SelfExamination.objects.filter(enterprise=OuterRef("enterprise"))
                .order_by("-submitted_at", "-id")
                .values("pk")[:1]
            )
            return queryset.filter(pk=Subquery(latest))
        return queryset


@admin.register(SelfExamination)
class SelfExaminationAdmin(ScopedAdminMixin, AppendOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["enterprise", "submitted_at", "submitted_by", "gap_count"]
    list_filter = [LatestOnlyFilter, "district", "enterprise__local_customs"]
    search_fields = ["enterprise__name_zh", "=enterprise__uscc", "=enterprise__customs_code"]
    list_select_related = ["enterprise", "submitted_by"]
    show_full_result_count = False
    readonly_fields = ["enterprise", "submitted_by", "submitted_at"]
    fields = list(readonly_fields)
    inlines = [AnswerInline]

    def get_queryset(self, request):
        gaps = Q(answers__judgement__in=[Judgement.NOT_MET, Judgement.BASICALLY_MET])
        return super().get_queryset(request).annotate(gaps=Count("answers", filter=gaps))

    @admin.display(description=_("gaps"), ordering="gaps")
    def gap_count(self, obj):
        return obj.gaps


class CreditEventInline(ReadOnlyInline, admin.TabularInline):
    model = CreditEvent
    readonly_fields = [
        "effective_date",
        "regime",
        "from_rating",
        "to_rating",
        "reason",
        "reason_text",
        "actor",
    ]
    fields = list(readonly_fields)
    ordering = ["-effective_date", "-id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("regime", "from_rating", "to_rating", "actor")


extend_admin(Enterprise, inlines=[CreditEventInline])
