"""Form pieces every app shares: the multiple-file field of the uploads module and Bootstrap styling."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from portal.conf import attachment_extensions, tunable


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the files are checked by ``portal.uploads`` in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", lazy(files_help, str)())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def files_help() -> str:
    return _("Up to %(n)s files, each at most %(mb)s MB: %(types)s.") % {
        "n": tunable("MAX_FILES_PER_UPLOAD"),
        "mb": round(int(tunable("ATTACHMENT_MAX_BYTES")) / 1048576),
        "types": ", ".join(attachment_extensions()),
    }


class DateInput(forms.DateInput):
    """A browser date picker. Its value is always ISO (YYYY-MM-DD), whatever the page's language: an
    ``<input type=date>`` shows nothing for "2026/12/05", which is how Chinese formats a date."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker; its value is always ``YYYY-MM-DDTHH:MM`` whatever the language."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class BootstrapMixin:
    """Call ``self._style()`` at the end of ``__init__`` to give every widget Bootstrap's class."""

    fields: dict

    def _style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class ApiTokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_lazy("Name"), max_length=100, help_text=_lazy("e.g. “ERP integration”"))
    scopes = forms.MultipleChoiceField(
        label=_lazy("May"),
        choices=[("read", _lazy("Read (GET)")), ("write", _lazy("Write (file requests, reply, act)"))],
        widget=forms.CheckboxSelectMultiple,
        initial=["read"],
    )
    expires_on = forms.DateField(
        label=_lazy("Expires on"), required=False, widget=DateInput(), help_text=_lazy("Empty: never.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
        self.fields["scopes"].widget.attrs["class"] = "form-check-input"
