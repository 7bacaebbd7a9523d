"""Forms of the liaison feature: shape only; ``liaison.services`` checks the meaning."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.models import DepartmentNotice
from portal.forms import BootstrapMixin, MultipleFileField
from portal.models import Department, LocalCustoms


class DepartmentField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ReferralForm(BootstrapMixin, forms.Form):
    department = DepartmentField(queryset=Department.objects.none(), label=_("Department"))
    question = forms.CharField(
        label=_("Question for the department"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_(
            "You stay responsible for the request. The answer arrives as an internal note; you decide whether "
            "to send it on to the enterprise."
        ),
    )

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if departments is not None:
            self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        self._style()


class AnswerForm(BootstrapMixin, forms.Form):
    body = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    attachments = MultipleFileField(label=_("Files"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class NoticeForm(BootstrapMixin, forms.Form):
    department = DepartmentField(queryset=Department.objects.none(), label=_("Department"))
    kind = forms.ChoiceField(label=_("Kind"), choices=DepartmentNotice.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    enterprise_codes = forms.CharField(
        label=_("Enterprises concerned"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "USCC or customs codes, separated by commas or lines: the notice reaches their coordinators. "
            "Empty: the coordinators of the offices below (of the whole district when none is chosen)."
        ),
    )
    offices = forms.ModelMultipleChoiceField(
        queryset=LocalCustoms.objects.none(), required=False, label=_("Local customs offices")
    )

    def __init__(self, *args, departments, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["offices"].queryset = offices  # type: ignore[attr-defined]
        self._style()
