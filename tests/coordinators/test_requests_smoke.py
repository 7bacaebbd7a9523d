import pytest

from coordinators.models import RequestStatus
from coordinators.requests import services
from tests.coordinators.requests_helpers import file_one, make_setup, pdf

pytestmark = pytest.mark.django_db


def test_a_request_goes_from_filing_to_closed(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    s = make_setup()
    request = file_one(s, files=[pdf()])
    assert request.status == RequestStatus.SUBMITTED
    services.post_message(request=request, author=s.coordinator.user, body="已收到，正在核实。")
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS
    services.resolve(request=request, actor=s.coordinator.user, summary="已协调解决")
    services.confirm_resolution(request=request, actor=s.contact, rating=5, comment="很好")
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED
    assert list(request.transitions.values_list("action", flat=True)) == [
        "file",
        "accept",
        "start",
        "resolve",
        "confirm",
    ]
