"""The benchmark's data generator at small scale: every row it writes is valid for the app (the checks
of bench/checks.py pass, the dropped indexes and foreign keys are rebuilt), and the app's own pages
work on the data it wrote."""

from contextlib import contextmanager

import pytest
from django.core.management import call_command

from bench.checks import check_generated
from bench.generate import Generator, Sizes

pytestmark = pytest.mark.django_db(transaction=True)


class Silent:
    """The progress bar's interface, printing nothing."""

    @contextmanager
    def step(self, name, rows):
        yield lambda n: None


def test_generated_rows_are_valid_for_the_app(client):
    call_command("load_demo", verbosity=0)
    generator = Generator(Sizes(enterprises=2_000, coordinators=20, aeo_share=0.02), seed=3)
    report = generator.run(Silent())
    result = check_generated(generator)
    failed = [c for c in result["checks"] if not c["ok"]]
    assert not failed, failed
    counts = result["counts"]
    assert counts["enterprises"] >= 2_000
    assert counts["coordination requests"] >= 4_000
    assert counts["credit events"] >= 5_000
    assert report.seconds > 0

    # The app works on it: a generated contact person sees their requests, the manager the dashboard.
    from coordinators.models import PairAssignment
    from enterprises.models import Membership
    from portal.models import User

    pair = PairAssignment.objects.filter(enterprise_id__gt=generator.e0, ended_on__isnull=True).first()
    contact = Membership.objects.get(
        enterprise_id=pair.enterprise_id, role="contact_person", ended_at__isnull=True
    )
    client.force_login(contact.user)
    page = client.get("/coordination/requests/")
    assert page.status_code == 200
    assert page.context["page"].items
    client.force_login(User.objects.get(username="manager.bj"))
    assert client.get("/supervision/").status_code == 200
