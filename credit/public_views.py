"""The public status page (``/verify/``): no sign-in; see ``credit.public``."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from credit import public
from portal.forms import BootstrapMixin


class LookupForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=_("Unified social credit code or customs registration code"),
        max_length=40,
        help_text=_("18 characters (unified social credit code) or 10 (customs registration code)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
        self.fields["code"].widget.attrs.update({"autocomplete": "off", "data-testid": "code"})


@never_cache
def status(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    context: dict = {"form": form, "searched": False}
    code = 200
    if form.is_valid():
        context["searched"] = True
        try:
            context["result"] = public.checked_lookup(request, form.cleaned_data["code"])
        except public.RateLimited as exc:
            context["limited"] = str(exc)
            code = 429
    return render(request, "credit/public_status.html", context, status=code)
