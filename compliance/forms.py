"""Forms of the compliance pages. They validate shape only; ``compliance.services`` validates meaning."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from compliance.models import ActionResponse
from compliance.services import ActionInput
from credit.models import Judgement
from portal.forms import BootstrapMixin, DateInput, MultipleFileField


class AssessmentForm(BootstrapMixin, forms.Form):
    """The assessment date and conclusion, and per item of the standard: judgement, evidence, notes."""

    assessed_on = forms.DateField(label=_("Assessment date"), widget=DateInput())
    summary = forms.CharField(
        label=_("Overall conclusion"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, items, initial_answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        initial_answers = initial_answers or {}
        for item in items:
            judgement, evidence, notes = initial_answers.get(item.code, ("", "", ""))
            self.fields[f"judgement_{item.code}"] = forms.ChoiceField(
                label=_("judgement"),
                choices=[("", "—"), *Judgement.choices],
                required=False,
                initial=judgement,
                widget=forms.Select(attrs={"data-testid": f"judgement-{item.code}", "data-judgement": "1"}),
            )
            self.fields[f"evidence_{item.code}"] = forms.CharField(
                label=_("evidence"),
                required=False,
                initial=evidence,
                widget=forms.Textarea(attrs={"rows": 2, "data-testid": f"evidence-{item.code}"}),
            )
            self.fields[f"notes_{item.code}"] = forms.CharField(
                label=_("notes"),
                required=False,
                initial=notes,
                widget=forms.Textarea(attrs={"rows": 2, "data-testid": f"notes-{item.code}"}),
            )
        self._style()

    def rows(self, item_rows):
        """(ItemRow, judgement, evidence, notes) for the template, in the standard's order."""
        return [
            (
                row,
                self[f"judgement_{row.item.code}"],
                self[f"evidence_{row.item.code}"],
                self[f"notes_{row.item.code}"],
            )
            for row in item_rows
        ]

    def answers(self) -> dict[str, tuple[str, str, str]]:
        data = self.cleaned_data
        return {
            item.code: (
                data[f"judgement_{item.code}"],
                data[f"evidence_{item.code}"],
                data[f"notes_{item.code}"],
            )
            for item in self.items
        }

    def mark_items(self, codes, message) -> None:
        for code in codes:
            if f"evidence_{code}" in self.fields:
                self.add_error(f"evidence_{code}", message)


class ActionForm(BootstrapMixin, forms.Form):
    item = forms.ChoiceField(label=_("Item not met"), required=False)
    description = forms.CharField(label=_("Improvement action"), required=False, max_length=1000)
    owner = forms.CharField(label=_("Owner at the enterprise"), required=False, max_length=100)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "—"), *[(i.code, str(i)) for i in items]]
        self._style()


class BaseActionFormSet(forms.BaseFormSet):
    def __init__(self, *args, items=(), **kwargs):
        self.items = items
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "items": self.items}

    @property
    def empty_form(self):
        return self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), items=self.items)

    def actions(self) -> list[ActionInput]:
        return [
            ActionInput(
                d.get("item") or "", d.get("description") or "", d.get("owner") or "", d.get("due_on")
            )
            for d in self.cleaned_data
            if d
        ]


ActionFormSet: type[BaseActionFormSet] = forms.formset_factory(  # type: ignore[assignment]
    ActionForm, formset=BaseActionFormSet, extra=3, max_num=50
)


class ResponseForm(BootstrapMixin, forms.Form):
    answer = forms.CharField(
        label=_("What the enterprise did"), widget=forms.Textarea(attrs={"rows": 4, "data-testid": "answer"})
    )
    attachments = MultipleFileField(label=_("Files"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ReviewForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=ActionResponse.Review.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the action is reopened."),
    )
    due_on = forms.DateField(
        label=_("New due date"),
        required=False,
        widget=DateInput(),
        help_text=_("Optional, when the action is reopened."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
        self.fields["decision"].widget.attrs["class"] = "form-check-input"
