"""Portal forms of the credit page: the annual report and the repair application (shape only)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AnnualReport


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


class RepairApplicationForm(forms.Form):
    statement = forms.CharField(
        label=_("What has the enterprise done to correct the cause?"),
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
