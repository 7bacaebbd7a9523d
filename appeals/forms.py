"""Portal forms for filing an appeal. Shape only; the rules are in appeals.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from appeals.models import AppealType
from appeals.services import conduct_coordinators
from coordinators.models import Coordinator
from credit.models import AbnormalListEntry, CreditEvent
from portal.conf import tunable
from portal.forms import MultipleFileField

TEXT_MAX_CHARS = int(tunable("TEXT_MAX_CHARS"))


class CreditDecisionChoiceField(forms.ModelChoiceField):
    """A credit decision as the enterprise knows it: its date, the change and why."""

    def label_from_instance(self, obj):
        before = obj.from_rating.name if obj.from_rating else "—"
        return f"{obj.effective_date:%Y-%m-%d} · {before} → {obj.to_rating.name} · {obj.get_reason_display()}"


class AppealForm(forms.Form):
    appeal_type = forms.ChoiceField(label=_("Appeal against"), choices=AppealType.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    grounds = forms.CharField(
        label=_("Grounds"), max_length=TEXT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 6})
    )
    decision_reference = forms.CharField(
        label=_("Decision reference"),
        max_length=100,
        required=False,
        help_text=_("Number or date of the decision, if any."),
    )
    credit_event = CreditDecisionChoiceField(
        label=_("Credit decision"), queryset=CreditEvent.objects.none(), required=False
    )
    abnormal_entry = forms.ModelChoiceField(
        label=_("Abnormal-list entry"), queryset=AbnormalListEntry.objects.none(), required=False
    )
    coordinator = forms.ModelChoiceField(
        label=_("Coordinator concerned"),
        queryset=Coordinator.objects.none(),
        required=False,
        help_text=_(
            "Appeals about a coordinator go only to the Management Department; the coordinator never sees them."
        ),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credit_event"].queryset = (
            CreditEvent.objects.filter(enterprise=enterprise)
            .select_related("from_rating", "to_rating")
            .order_by("-effective_date", "-id")
        )
        self.fields["abnormal_entry"].queryset = AbnormalListEntry.objects.filter(enterprise=enterprise)
        self.fields["coordinator"].queryset = conduct_coordinators(enterprise)
        for name, field in self.fields.items():
            if name != "attachments":
                field.widget.attrs.setdefault(
                    "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
                )


class FromRequestForm(forms.Form):
    appeal_type = forms.ChoiceField(
        label=_("Appeal against"),
        choices=[choice for choice in AppealType.choices if choice[0] != AppealType.COORDINATOR_CONDUCT],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )
