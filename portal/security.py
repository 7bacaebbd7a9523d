"""Accounts: who needs a second factor, the middleware that enforces it, the idle timeout of staff
sessions, and the demo's TOTP devices.

- **Second factor.** Customs staff (coordinators, officers, managers, administrators) and every account
  with ``is_staff`` or ``is_superuser`` sign in with a password *and* a TOTP code (django-otp). Until the
  session is verified they reach only the sign-in, enrolment and sign-out pages; the admin, every page
  and the API are refused (pages redirect to the second-factor page, the API answers 403). A first
  sign-in enrols an authenticator (the key is shown as text and an ``otpauth://`` link) and hands out ten
  one-time backup codes, the way back in without the phone; an administrator can also delete a person's
  devices in the admin so they enrol again.
- **Idle timeout.** A staff session unused for ``STAFF_IDLE_TIMEOUT_MINUTES`` is ended (enterprise
  sessions end after ``SESSION_COOKIE_AGE``).
- **Lockout** (django-axes, counted in the database): ``AXES_FAILURE_LIMIT`` wrong passwords for one
  username lock it for ``AXES_COOLOFF_TIME``; see settings.
- **Demo.** ``load_demo`` gives the demo staff a TOTP device with the documented key ``DEMO_TOTP_KEY``;
  ``manage.py demo_code USERNAME`` prints the current code (it refuses unless ``DEBUG`` is on).
"""

from __future__ import annotations

import base64
import secrets
import time
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.conf import tunable
from portal.roles import CUSTOMS_ROLES

# The demo's TOTP key (hex, 20 bytes); its base32 form is in README.md. Demo data only.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"

# Paths a signed-in but unverified staff member may reach.
OPEN_PREFIXES = (
    "/accounts/",
    "/static/",
    "/i18n/",
    "/jsi18n/",
    "/healthz",
)


def needs_second_factor(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or (user.roles & CUSTOMS_ROLES))


def is_verified(user) -> bool:
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())


class SecondFactorMiddleware:
    """After django-otp's ``OTPMiddleware``: staff who signed in with a password alone reach nothing but
    the account pages until they enter a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # django-axes's admin pages (access attempts) read the attempt time axes sets only on sign-in.
        request.axes_attempt_time = getattr(request, "axes_attempt_time", None)
        user = getattr(request, "user", None)
        if (
            needs_second_factor(user)
            and not is_verified(user)
            and not request.path.startswith(OPEN_PREFIXES)
            and not request.path.startswith(settings.STATIC_URL)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Enter your second-factor code first."), "code": "second_factor"},
                    status=403,
                )
            return HttpResponseRedirect(f"{reverse('two_factor')}?next={quote(request.get_full_path())}")
        return self.get_response(request)


LAST_SEEN = "guanqi_last_seen"


class IdleTimeoutMiddleware:
    """Ends a staff session unused for ``STAFF_IDLE_TIMEOUT_MINUTES`` (the session's last use is written
    at most once a minute)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if needs_second_factor(user) and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            limit = int(tunable("STAFF_IDLE_TIMEOUT_MINUTES")) * 60
            if last_seen is not None and now - int(last_seen) > limit:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("Your session has ended."), "code": "idle"}, status=403)
                return HttpResponseRedirect(f"{reverse('login')}?next={quote(request.get_full_path())}")
            if last_seen is None or now - int(last_seen) >= 60:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


# --- Devices -------------------------------------------------------------------------------------


def confirmed_totp(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp(user):
    """The user's unconfirmed TOTP device (made once, kept until confirmed)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def base32_key(device) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def otpauth_uri(device) -> str:
    issuer = "Guanqi"
    label = quote(f"{issuer}:{device.user.get_username()}")
    return f"otpauth://totp/{label}?secret={base32_key(device)}&issuer={issuer}&digits={device.digits}"


def new_backup_codes(user, count: int = 10) -> list[str]:
    """Replace the user's backup codes with ``count`` new one-time codes (shown once)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="backup", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(count)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def current_code(device) -> str:
    """The device's code now (demo and tests)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def give_demo_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
    )
    return device
