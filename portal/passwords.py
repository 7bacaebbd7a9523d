"""Password rules beyond Django's: staff passwords are longer, and no password is one character (or
two) repeated — ``aaaaaaaaaaaaaaaa`` is refused."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class StaffMinimumLengthValidator:
    """Customs staff, ``is_staff`` and superuser accounts need at least ``min_length`` characters."""

    def __init__(self, min_length: int = 12):
        self.min_length = min_length

    def validate(self, password, user=None):
        from portal.security import needs_second_factor

        staff = user is not None and user.pk and needs_second_factor(_Authenticated(user))
        if staff and len(password) < self.min_length:
            raise ValidationError(
                ngettext(
                    "A staff password must contain at least %(min_length)d character.",
                    "A staff password must contain at least %(min_length)d characters.",
                    self.min_length,
                )
                % {"min_length": self.min_length},
                code="password_too_short_for_staff",
            )

    def get_help_text(self):
        return _("Customs staff passwords must contain at least %(min_length)d characters.") % {
            "min_length": self.min_length
        }


class _Authenticated:
    """A user seen as signed in (validators receive users that may not be)."""

    def __init__(self, user):
        self._user = user
        self.is_authenticated = True

    def __getattr__(self, name):
        return getattr(self._user, name)


class CharacterVarietyValidator:
    """At least ``min_distinct`` different characters."""

    def __init__(self, min_distinct: int = 5):
        self.min_distinct = min_distinct

    def validate(self, password, user=None):
        if len(set(password)) < self.min_distinct:
            raise ValidationError(
                _("This password repeats too few characters: use at least %(n)d different ones.")
                % {"n": self.min_distinct},
                code="password_too_repetitive",
            )

    def get_help_text(self):
        return _("Your password must use at least %(n)d different characters.") % {"n": self.min_distinct}
