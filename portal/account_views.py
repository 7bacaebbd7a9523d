"""Account pages: the second factor (verify a code, or enrol an authenticator and receive backup codes)
and the backup codes page. Password reset uses Django's views with our templates (portal/urls.py)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import devices_for_user
from django_otp import login as otp_login

from portal import security


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@never_cache
@login_required
def two_factor(request):
    """Verify a code of the user's authenticator or a backup code; without an authenticator, enrol one."""
    user = request.user
    if not security.needs_second_factor(user) or security.is_verified(user):
        return redirect(_next(request))
    if security.confirmed_totp(user) is None:
        return enrol(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip().replace(" ", "")
        for device in devices_for_user(user, confirmed=True):
            if device.verify_token(code):
                otp_login(request, device)
                return redirect(_next(request))
        form.add_error("code", _("This code is not valid. Enter the current code or a backup code."))
    return render(request, "registration/two_factor.html", {"form": form, "next": _next(request)})


def enrol(request):
    user = request.user
    device = security.pending_totp(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip().replace(" ", "")):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            codes = security.new_backup_codes(user)
            return render(request, "registration/backup_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("code", _("This code is not valid. Check the key and the clock of your device."))
    return render(
        request,
        "registration/two_factor_enrol.html",
        {
            "form": form,
            "key": security.base32_key(device),
            "uri": security.otpauth_uri(device),
            "next": _next(request),
        },
    )


@never_cache
@login_required
def backup_codes(request):
    """New backup codes (the old ones stop working); verified staff only."""
    user = request.user
    if not security.needs_second_factor(user) or not security.is_verified(user):
        return redirect("two_factor")
    if request.method == "POST":
        return render(
            request, "registration/backup_codes.html", {"codes": security.new_backup_codes(user), "next": "/"}
        )
    return render(request, "registration/backup_codes_confirm.html")
