import pytest

from portal.models import Department
from portal.roles import Role
from tests.factories import (
    CoordinatorFactory,
    DepartmentFactory,
    LocalCustomsFactory,
    UserFactory,
    rated_enterprise,
)


@pytest.fixture
def office():
    return LocalCustomsFactory()


@pytest.fixture
def manager(office):
    department = DepartmentFactory(district=office.district, is_management_department=True)
    return UserFactory(roles=[Role.MANAGER, Role.CUSTOMS_OFFICER], department=department, is_staff=True)


@pytest.fixture
def make_coordinators():
    def make(office, n):
        return [CoordinatorFactory(local_customs=office) for _ in range(n)]

    return make


@pytest.fixture
def assign():
    """Assign ``count`` new AEO enterprises of ``office`` to the pair (a, b)."""
    from coordinators.services import assign_pair

    def do(a, b, count=1):
        enterprises = []
        for _ in range(count):
            enterprise = rated_enterprise(local_customs=a.local_customs)
            assign_pair(enterprise=enterprise, coordinators=[a, b])
            enterprises.append(enterprise)
        return enterprises

    return do


__all__ = ["Department"]
