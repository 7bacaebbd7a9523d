"""Enterprise identity rules: USCC check character, customs-code format, unique codes, local customs
inside the district — each enforced by the service (and the model validators / unique indexes)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from enterprises import services
from enterprises.models import Enterprise
from enterprises.validators import clean_uscc, validate_customs_code
from portal.demo_ids import make_uscc
from portal.exceptions import DomainError
from tests.factories import EnterpriseFactory, LocalCustomsFactory

VALID_USCC = make_uscc(123_456_789)


def _fields(world, **overrides):
    return {
        "uscc": VALID_USCC,
        "customs_code": "1101234567",
        "name_zh": "北京测试有限公司",
        "registered_address": "北京市",
        "district": world.office.district,
        "local_customs": world.office,
        **overrides,
    }


def _wrong_check_character(uscc: str) -> str:
    last = "0" if uscc[-1] != "0" else "1"
    return uscc[:-1] + last


def test_valid_uscc_passes_the_check():
    assert clean_uscc(VALID_USCC.lower()) == VALID_USCC


def test_uscc_with_wrong_check_character_is_refused():
    with pytest.raises(ValidationError) as exc:
        clean_uscc(_wrong_check_character(VALID_USCC))
    assert exc.value.error_list[0].code == "uscc_checksum"


def test_register_enterprise_refuses_a_wrong_uscc_check_character(world):
    with pytest.raises(DomainError, match="check character"):
        services.register_enterprise(**_fields(world, uscc=_wrong_check_character(VALID_USCC)))
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("code", ["110123456", "11012345678", "11012345a7", "1101-23456", ""])
def test_customs_code_must_be_ten_digits_or_capital_letters(code):
    with pytest.raises(ValidationError):
        validate_customs_code(code)


def test_register_enterprise_refuses_a_malformed_customs_code(world):
    with pytest.raises(DomainError, match="10 digits"):
        services.register_enterprise(**_fields(world, customs_code="12345"))


def test_register_enterprise_accepts_valid_identifiers(world):
    enterprise = services.register_enterprise(**_fields(world))
    assert enterprise.pk and enterprise.uscc == VALID_USCC


def test_uscc_is_unique(world):
    services.register_enterprise(**_fields(world))
    with pytest.raises(DomainError):
        services.register_enterprise(**_fields(world, customs_code="1109999999"))


def test_customs_code_is_unique(world):
    services.register_enterprise(**_fields(world))
    with pytest.raises(DomainError):
        services.register_enterprise(**_fields(world, uscc=make_uscc(987_654_321)))


def test_database_refuses_duplicate_codes(world):
    first = EnterpriseFactory(local_customs=world.office)
    with pytest.raises(IntegrityError):
        EnterpriseFactory(local_customs=world.office, uscc=first.uscc)


def test_local_customs_must_belong_to_the_district(world):
    with pytest.raises(DomainError, match="does not belong"):
        services.register_enterprise(**_fields(world, local_customs=LocalCustomsFactory()))
