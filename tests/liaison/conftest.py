import pytest

from liaison import services
from portal.roles import Role
from tests.factories import DepartmentFactory, UserFactory


@pytest.fixture
def department(world):
    """The district's risk-control department."""
    return DepartmentFactory(district=world.district, name_zh="风险防控处", name_en="Risk Control")


@pytest.fixture
def liaison(world, department):
    """A customs officer of the department, named its liaison officer by the Management Department."""
    officer = UserFactory(roles=[Role.CUSTOMS_OFFICER], department=department, is_staff=True)
    officer.__dict__.pop("roles", None)
    services.name_liaison_officer(department=department, user=officer, actor=world.manager)
    return officer
