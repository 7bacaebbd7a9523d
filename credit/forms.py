"""Forms of the credit pages (shape only; meaning is checked by credit.services): the annual report,
the repair application and the self-examination (one row per active item of the certification standard)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from credit.models import AnnualReport, Judgement
from portal.forms import MultipleFileField


class AnnualReportForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = ["operating_normally", "registration_unchanged", "import_export_value", "statement"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 3, "class": "form-control"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_export_value"].widget.attrs["class"] = "form-control"
        for name in ("operating_normally", "registration_unchanged"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
            # An attestation is ticked by the person who attests, never ticked in advance.
            self.fields[name].initial = False


class RepairApplicationForm(forms.Form):
    statement = forms.CharField(
        label=_("What has the enterprise done to correct the cause?"),
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    attachments = MultipleFileField(label=_("Supporting documents (e.g. a payment receipt)"))


class SelfExaminationForm(forms.Form):
    def __init__(self, *args, items, initial_answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        initial_answers = initial_answers or {}
        for item in items:
            judgement, evidence = initial_answers.get(item.code, ("", ""))
            self.fields[f"judgement_{item.code}"] = forms.ChoiceField(
                label=_("judgement"),
                choices=[("", "—"), *Judgement.choices],
                initial=judgement,
                widget=forms.Select(attrs={"class": "form-select", "data-testid": f"judgement-{item.code}"}),
            )
            self.fields[f"evidence_{item.code}"] = forms.CharField(
                label=_("evidence notes"),
                required=False,
                initial=evidence,
                widget=forms.Textarea(
                    attrs={"rows": 2, "class": "form-control", "data-testid": f"evidence-{item.code}"}
                ),
            )
            self.fields[f"files_{item.code}"] = MultipleFileField(label=_("evidence files"))
            self.fields[f"files_{item.code}"].widget.attrs.update(
                {"class": "form-control form-control-sm", "data-testid": f"files-{item.code}"}
            )

    def rows(self):
        return [
            (item, self[f"judgement_{item.code}"], self[f"evidence_{item.code}"], self[f"files_{item.code}"])
            for item in self.items
        ]

    def evidence_files(self) -> dict[str, list]:
        return {item.code: self.cleaned_data.get(f"files_{item.code}") or [] for item in self.items}

    def answers(self) -> dict[str, tuple[str, str]]:
        return {
            item.code: (
                self.cleaned_data[f"judgement_{item.code}"],
                self.cleaned_data[f"evidence_{item.code}"],
            )
            for item in self.items
        }

    def mark_items(self, codes, message) -> None:
        for code in codes:
            name = f"evidence_{code}" if f"evidence_{code}" in self.fields else None
            if name:
                self.add_error(name, message)
