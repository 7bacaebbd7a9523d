"""Validators for the enterprise identifiers (docs/DOMAIN.md: USCC with check character, customs code)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError

CUSTOMS_CODE_RE = re.compile(r"^[0-9A-Z]{10}$")


def clean_uscc(value: str) -> str:
    """Return the compact, upper-case USCC or raise ValidationError with the reason."""
    try:
        return stdnum_uscc.validate(value or "")
    except InvalidChecksum:
        raise ValidationError(
            _("The unified social credit code %(value)s has a wrong check character."),
            code="uscc_checksum",
            params={"value": value},
        ) from None
    except StdnumError:
        raise ValidationError(
            _("The unified social credit code must be 18 characters (digits and capital letters): %(value)s"),
            code="uscc_format",
            params={"value": value},
        ) from None


def validate_uscc(value: str) -> None:
    clean_uscc(value)


def validate_customs_code(value: str) -> None:
    if not CUSTOMS_CODE_RE.match(value or ""):
        raise ValidationError(
            _("The customs registration code must be 10 digits or capital letters: %(value)s"),
            code="customs_code_format",
            params={"value": value},
        )


def normalise_code(value: str) -> str:
    """A USCC or customs code as typed (spaces, dashes, lower case) in its stored form."""
    return re.sub(r"[\s\-]", "", value or "").upper()[:40]
