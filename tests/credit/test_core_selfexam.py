"""Self-examination against the certification standard: service rules, gaps, and the pages of the
enterprise and of customs (scoped)."""

import pytest
from django.urls import reverse

from coordinators import services as coordination
from coordinators.models import RecusalReason
from credit.models import Judgement, SelfExamination, StandardItem
from credit.services import self_examination as selfexam
from enterprises.models import Enterprise
from portal.exceptions import PermissionDeniedError
from tests.factories import member


def answers(**overrides):
    result = {item.code: (Judgement.MET, "") for item in StandardItem.objects.filter(active=True)}
    result.update(overrides)
    return result


def submit(enterprise, user, **overrides):
    return selfexam.submit_self_examination(
        enterprise=enterprise, submitted_by=user, answers=answers(**overrides)
    )


def test_aeo_member_submits_one_answer_per_item(world):
    enterprise = world.new_enterprise()
    exam = submit(enterprise, member(enterprise))
    assert exam.answers.count() == StandardItem.objects.filter(active=True).count() == 16


def test_non_aeo_enterprise_cannot_self_examine(world):
    enterprise = world.new_enterprise("regular")
    with pytest.raises(selfexam.SelfExaminationError, match="AEO"):
        submit(enterprise, member(enterprise))


def test_only_members_submit(world):
    enterprise = world.new_enterprise()
    with pytest.raises(PermissionDeniedError):
        submit(enterprise, member(world.new_enterprise()))


def test_every_item_must_be_judged(world):
    enterprise = world.new_enterprise()
    incomplete = answers()
    incomplete.pop("TS5")
    with pytest.raises(selfexam.SelfExaminationError) as exc:
        selfexam.submit_self_examination(
            enterprise=enterprise, submitted_by=member(enterprise), answers=incomplete
        )
    assert exc.value.item_codes == ["TS5"]
    assert not SelfExamination.objects.exists()


def test_gap_or_not_applicable_needs_evidence_notes(world):
    enterprise = world.new_enterprise()
    with pytest.raises(selfexam.SelfExaminationError) as exc:
        submit(
            enterprise, member(enterprise), IC3=(Judgement.NOT_MET, ""), CO5=(Judgement.NOT_APPLICABLE, " ")
        )
    assert sorted(exc.value.item_codes) == ["CO5", "IC3"]


def test_an_invalid_judgement_is_refused(world):
    enterprise = world.new_enterprise()
    with pytest.raises(selfexam.SelfExaminationError):
        submit(enterprise, member(enterprise), IC1=("excellent", ""))


def test_gaps_are_the_not_met_and_basically_met_items(world):
    enterprise = world.new_enterprise()
    exam = submit(
        enterprise,
        member(enterprise),
        IC3=(Judgement.NOT_MET, "无审计"),
        TS2=(Judgement.BASICALLY_MET, "部分"),
        CO5=(Judgement.NOT_APPLICABLE, "不适用"),
    )
    assert [a.item.code for a in selfexam.gaps(exam)] == ["IC3", "TS2"]


def test_latest_self_examination_is_the_most_recent(world):
    enterprise = world.new_enterprise()
    user = member(enterprise)
    submit(enterprise, user)
    second = submit(enterprise, user, IC1=(Judgement.NOT_MET, "x"))
    assert selfexam.latest_self_examination(enterprise) == second


def test_latest_annotation_counts_the_gaps_of_the_latest_only(world):
    enterprise, never = world.new_enterprise(), world.new_enterprise()
    user = member(enterprise)
    submit(enterprise, user, IC1=(Judgement.NOT_MET, "x"), IC2=(Judgement.NOT_MET, "y"))
    latest = submit(enterprise, user, IC1=(Judgement.BASICALLY_MET, "x"))
    rows = {
        e.pk: e
        for e in selfexam.with_latest_self_examination(
            Enterprise.objects.filter(pk__in=[enterprise.pk, never.pk])
        )
    }
    assert rows[enterprise.pk].latest_selfexam_id == latest.pk and rows[enterprise.pk].latest_gap_count == 1
    assert rows[never.pk].latest_selfexam_id is None


# --- Pages ----------------------------------------------------------------------------------------------


def _form_data(**overrides):
    data = {}
    for code, (judgement, evidence) in answers(**overrides).items():
        data[f"judgement_{code}"] = judgement
        data[f"evidence_{code}"] = evidence
    return data


def test_enterprise_submits_through_the_form_and_sees_its_gaps(client, world):
    enterprise = world.new_enterprise()
    client.force_login(member(enterprise))
    response = client.post(
        reverse("credit:selfexam_new"), _form_data(TS4=(Judgement.NOT_MET, "未评估承运商"))
    )
    exam = SelfExamination.objects.get(enterprise=enterprise)
    assert response["Location"] == reverse("credit:selfexam_detail", args=[exam.pk])
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="gap-TS4"' in html and "未评估承运商" in html
    listing = client.get(reverse("credit:selfexam_list")).content.decode()
    assert reverse("credit:selfexam_detail", args=[exam.pk]) in listing


def test_form_marks_the_items_missing_evidence_and_saves_nothing(client, world):
    enterprise = world.new_enterprise()
    client.force_login(member(enterprise))
    response = client.post(reverse("credit:selfexam_new"), _form_data(IC2=(Judgement.NOT_MET, "")))
    assert response.status_code == 200
    assert "evidence_IC2" in response.context["form"].errors
    assert not SelfExamination.objects.exists()


def test_new_form_starts_from_the_latest_examination(client, world):
    enterprise = world.new_enterprise()
    user = member(enterprise)
    submit(enterprise, user, IC4=(Judgement.BASICALLY_MET, "ERP 对碰中"))
    client.force_login(user)
    form = client.get(reverse("credit:selfexam_new")).context["form"]
    assert form["judgement_IC4"].initial == Judgement.BASICALLY_MET
    assert form["evidence_IC4"].initial == "ERP 对碰中"


def test_other_enterprise_gets_404_on_a_guessed_examination(client, world):
    enterprise = world.new_enterprise()
    exam = submit(enterprise, member(enterprise))
    client.force_login(member(world.new_enterprise()))
    assert client.get(reverse("credit:selfexam_detail", args=[exam.pk])).status_code == 404


def test_officer_overview_lists_the_latest_self_examination_of_district_aeo_enterprises(client, world):
    examined = world.new_enterprise()
    exam = submit(examined, member(examined), IC1=(Judgement.NOT_MET, "x"))
    never = world.new_enterprise()
    world.new_enterprise("regular")  # not AEO: not listed
    foreign = world.new_enterprise(office=world.foreign_office)
    client.force_login(world.officer)
    response = client.get(reverse("credit:selfexam_overview"))
    listed = {row.pk for row in response.context["rows"]}
    assert listed == {examined.pk, never.pk}
    assert foreign.pk not in listed
    assert reverse("credit:selfexam_detail", args=[exam.pk]) in response.content.decode()
    gaps_only = client.get(reverse("credit:selfexam_overview"), {"status": "gaps"}).context["rows"]
    assert [row.pk for row in gaps_only] == [examined.pk]
    assert client.get(reverse("credit:selfexam_detail", args=[exam.pk])).status_code == 200


def test_coordinator_sees_only_assigned_enterprises_and_never_after_recusal(client, world):
    a, b = world.new_coordinator(), world.new_coordinator()
    assigned = world.new_paired_enterprise(a, b)
    exam = submit(assigned, member(assigned))
    other = world.new_enterprise()
    other_exam = submit(other, member(other))
    client.force_login(a.user)
    assert {row.pk for row in client.get(reverse("credit:selfexam_overview")).context["rows"]} == {
        assigned.pk
    }
    assert client.get(reverse("credit:selfexam_detail", args=[other_exam.pk])).status_code == 404
    coordination.declare_recusal(
        coordinator=a, enterprise=assigned, reason=RecusalReason.KINSHIP, actor=world.manager
    )
    assert client.get(reverse("credit:selfexam_detail", args=[exam.pk])).status_code == 404


def test_overview_is_for_customs_staff(client, world):
    enterprise = world.new_enterprise()
    client.force_login(member(enterprise))
    assert client.get(reverse("credit:selfexam_overview")).status_code == 403


def test_overview_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    client.force_login(world.officer)
    for _ in range(3):
        e = world.new_enterprise()
        submit(e, member(e))
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("credit:selfexam_overview"))
    for _ in range(12):
        e = world.new_enterprise()
        submit(e, member(e))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("credit:selfexam_overview"))
