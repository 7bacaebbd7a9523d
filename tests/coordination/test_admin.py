"""The coordination-request admin shows a customs officer only their district's requests."""

from portal.roles import Role
from tests.factories import customs_user


def test_customs_officer_sees_only_their_districts_requests_in_the_admin(client, world):
    own_request = world.file_request(subject="本关区的申请")
    world.file_request(world.new_party(), subject="外关区的申请")  # another district
    client.force_login(customs_user(Role.CUSTOMS_OFFICER, world.other_office))  # same district
    page = client.get("/admin/coordination/coordinationrequest/")
    assert page.status_code == 200
    html = page.content.decode()
    assert own_request.subject in html
    assert "外关区的申请" not in html
