"""Published answers: identity removed before publishing (and a warning if it remains), browsing and
Chinese search (“退税”), suggestions while the subject is typed."""

import pytest
from django.urls import reverse

from coordination import knowledge, services
from coordination.models import PublishedAnswer
from portal.exceptions import ConflictError

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(world):
    """A resolved request of the world's enterprise whose text names the enterprise."""
    r = world.file_request(
        subject=f"{world.enterprise.name_zh}出口退税问题",
        description=f"我司（统一社会信用代码 {world.enterprise.uscc}，海关编码 {world.enterprise.customs_code}）出口退税申报失败。",
    )
    r = services.resolve(
        request=services.accept(request=r, actor=world.coordinator.user),
        actor=world.coordinator.user,
        summary="修改报关单后重新申报退税。",
    )
    return r


def test_prefill_removes_the_enterprise_identity(resolved, world):
    r = resolved
    data = knowledge.prefill(r)
    text = " ".join(data.values())
    assert (
        world.enterprise.name_zh not in text
        and world.enterprise.uscc not in text
        and world.enterprise.customs_code not in text
    )
    assert knowledge.PLACEHOLDER in data["title"]


def test_publishing_with_the_identity_still_present_is_refused_unless_confirmed(resolved, world):
    r = resolved
    with pytest.raises(services.IdentityStillPresent) as exc:
        services.publish_answer(
            request=r, actor=world.coordinator.user, title=r.subject, question="q", answer="a"
        )
    assert world.enterprise.name_zh in exc.value.leaks
    assert not PublishedAnswer.objects.exists()
    answer = services.publish_answer(
        request=r,
        actor=world.coordinator.user,
        title=r.subject,
        question="q",
        answer="a",
        publish_despite_identity=True,
    )
    assert answer.pk


def test_an_unresolved_request_cannot_be_published(world):
    with pytest.raises(ConflictError):
        services.publish_answer(
            request=world.file_request(), actor=world.coordinator.user, title="t", question="q", answer="a"
        )


def test_the_publish_page_is_prefilled_and_warns(client, resolved, world):
    r = resolved
    client.force_login(world.coordinator.user)
    page = client.get(reverse("coordination:publish_answer", args=[r.pk])).content.decode()
    assert knowledge.PLACEHOLDER in page and 'data-testid="identity-warning"' not in page
    response = client.post(
        reverse("coordination:publish_answer", args=[r.pk]),
        {"title": r.subject, "question": "问题", "answer": "答案"},
    )
    assert 'data-testid="identity-warning"' in response.content.decode()
    response = client.post(
        reverse("coordination:publish_answer", args=[r.pk]),
        {"title": "出口退税申报失败怎么办", "question": "问题", "answer": "答案"},
    )
    assert response.status_code == 302
    assert PublishedAnswer.objects.get().source_request == r


def test_the_enterprise_cannot_publish(client, resolved, world):
    r = resolved
    client.force_login(world.contact)
    assert client.get(reverse("coordination:publish_answer", args=[r.pk])).status_code == 403


def publish(author, title, question="问题", answer="答案"):
    return services.publish_general_answer(
        actor=author, service_type="consulting", title=title, question=question, answer=answer
    )


def test_chinese_search_finds_matching_answers(client, world):
    tax = publish(world.coordinator.user, "出口退税申报失败怎么办", answer="修改报关单后重新申报退税")
    publish(world.coordinator.user, "加工贸易手册核销期限")
    assert list(knowledge.search("退税")) == [tax]
    client.force_login(world.contact)
    page = client.get(reverse("coordination:knowledge_base"), {"q": "退税"}).content.decode()
    assert "出口退税申报失败怎么办" in page and "加工贸易手册核销期限" not in page


def test_search_by_a_word_in_the_answer(world):
    a = publish(world.coordinator.user, "报关单修改", answer="向申报地海关提交修改申请")
    assert list(knowledge.search("申报地")) == [a]


def test_withdrawn_answers_are_not_shown(world):
    a = publish(world.coordinator.user, "出口退税")
    PublishedAnswer.objects.filter(pk=a.pk).update(is_withdrawn=True)
    assert not knowledge.search("退税")


def test_suggestions_while_typing_the_subject(client, world):
    publish(world.coordinator.user, "出口退税申报失败怎么办")
    client.force_login(world.contact)
    response = client.get(
        reverse("coordination:answer_suggestions"), {"subject": "出口退税申报"}, HTTP_HX_REQUEST="true"
    )
    assert "出口退税申报失败怎么办" in response.content.decode()
    response = client.get(
        reverse("coordination:answer_suggestions"), {"subject": "商标注册"}, HTTP_HX_REQUEST="true"
    )
    assert "出口退税申报失败怎么办" not in response.content.decode()


def test_the_filing_form_asks_for_suggestions_with_htmx(client, world):
    client.force_login(world.contact)
    page = client.get(reverse("coordination:request_create")).content.decode()
    assert 'hx-trigger="keyup changed delay:300ms"' in page
    assert reverse("coordination:answer_suggestions") in page


def test_published_answers_carry_no_link_to_the_enterprise_for_enterprise_users(client, resolved, world):
    r = resolved
    answer = services.publish_answer(
        request=r, actor=world.coordinator.user, title="出口退税申报失败", question="问题", answer="答案"
    )
    other = world.new_party()
    client.force_login(other.contact)
    page = client.get(reverse("coordination:answer_detail", args=[answer.pk])).content.decode()
    assert (
        world.enterprise.name_zh not in page
        and reverse("coordination:request_detail", args=[r.pk]) not in page
    )
