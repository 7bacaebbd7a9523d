"""A coordinator who withdraws from an enterprise no longer finds its site visits in their calendar feed —
neither the scheduled one they were on (they are taken off it) nor one they made before (issue 11,
finding 4: the feed showed the enterprise, address and purpose)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coordination import services as requests
from coordinators import services as coordinators
from coordinators.models import RecusalReason
from outreach import services as outreach

pytestmark = pytest.mark.django_db


def test_a_recused_coordinators_feed_shows_none_of_the_enterprises_visits(client, world):
    request = world.file_request()
    requests.accept(request=request, actor=world.coordinator.user)
    now = timezone.now()
    done = requests.schedule_site_visit(
        request=request,
        actor=world.coordinator.user,
        coordinators=[world.coordinator, world.partner],
        scheduled_for=now + datetime.timedelta(hours=1),
        place="一号仓库",
        purpose="核查已完成",
    )
    requests.record_site_visit(
        visit=done,
        actor=world.coordinator.user,
        attendees="王芳",
        findings="无",
        now=now + datetime.timedelta(hours=2),
    )
    requests.schedule_site_visit(
        request=request,
        actor=world.coordinator.user,
        coordinators=[world.coordinator, world.partner],
        scheduled_for=now + datetime.timedelta(days=3),
        place="二号仓库",
        purpose="核查单证",
    )
    token = outreach.calendar_token_for(world.coordinator.user).token
    url = reverse("outreach:calendar_feed", args=[token])
    before = client.get(url).content.decode()
    assert "一号仓库" in before and "二号仓库" in before

    coordinators.declare_recusal(
        coordinator=world.coordinator,
        enterprise=world.enterprise,
        reason=RecusalReason.KINSHIP,
        actor=world.manager,
    )
    after = client.get(url).content.decode()
    assert "一号仓库" not in after and "二号仓库" not in after
    assert world.enterprise.name not in after
