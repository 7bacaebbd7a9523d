import pytest

from tests.enterprises.world import english, make_world  # noqa: F401  (english is autouse)


@pytest.fixture
def world(db):
    return make_world()
