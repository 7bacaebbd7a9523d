"""Forms of the enterprise-side pages. They check shape; the services check meaning."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, RegistrationChange
from portal.forms import MultipleFileField


class RegistrationChangeForm(forms.ModelForm):
    """The enterprise's proposed registration data, pre-filled with the current values."""

    note = forms.CharField(
        label=_("note to customs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. why the data changed, or which document shows it."),
    )
    attachments = MultipleFileField(label=_("Supporting documents"))

    class Meta:
        model = Enterprise
        fields = list(RegistrationChange.CHANGEABLE_FIELDS)
        widgets = {
            "registered_address": forms.TextInput(),
            "premises": forms.TextInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
            if isinstance(widget, forms.Select):
                css = "form-select"
            widget.attrs.setdefault("class", css)

    def validate_unique(self):
        # Nothing is saved here; the service validates the proposal as a whole.
        pass

    def proposed_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in RegistrationChange.CHANGEABLE_FIELDS}
