"""Full-text search that understands Chinese (jieba words in a tsvector, GIN, ts_rank) over published
answers, requests and their messages — within what each user may see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coordination import knowledge, selectors, services
from coordination.models import CoordinationRequest, PublishedAnswer
from portal import search

pytestmark = pytest.mark.django_db


def publish(world, title, question="问题", answer="答案"):
    return services.publish_general_answer(
        actor=world.coordinator.user, service_type="consulting", title=title, question=question, answer=answer
    )


@pytest.fixture
def answers(world):
    return {
        "tax": publish(world, "出口退税申报失败的处理", answer="修改报关单后重新申报出口退税"),
        "aeo": publish(
            world, "高级认证企业复核准备", question="AEO认证复核需要准备什么材料？", answer="按认证标准自查"
        ),
        "classification": publish(world, "商品归类预裁定申请", answer="向海关申请商品归类预裁定"),
        "other": publish(world, "加工贸易手册核销期限", answer="按期核销"),
    }


def test_a_question_typed_in_full_finds_the_answer(answers):
    assert knowledge.search("出口退税怎么办")[0] == answers["tax"]
    assert knowledge.search("AEO认证") == [answers["aeo"]]
    assert knowledge.search("归类") == [answers["classification"]]
    assert answers["other"] not in knowledge.search("出口退税怎么办")


def test_title_words_rank_first(world):
    in_body = publish(world, "报关单修改", answer="涉及退税的报关单修改流程")
    in_title = publish(world, "退税申报常见问题")
    assert knowledge.search("退税")[:2] == [in_title, in_body]


def test_the_knowledge_base_page_searches_in_chinese(client, world, answers):
    client.force_login(world.contact)
    page = client.get(reverse("coordination:knowledge_base"), {"q": "AEO认证"}).content.decode()
    assert "高级认证企业复核准备" in page and "加工贸易手册核销期限" not in page


def test_requests_are_found_by_their_messages_and_internal_notes_only_by_customs(world):
    request = world.file_request(subject="装运问题", description="货物滞留")
    services.post_message(request=request, author=world.contact, body="请协助办理出口退税")
    services.post_message(
        request=request, author=world.coordinator.user, body="商品归类有疑问", internal=True
    )
    assert selectors.search_requests(world.contact, "出口退税怎么办") == [request]
    assert selectors.search_requests(world.coordinator.user, "归类") == [request]
    assert selectors.search_requests(world.contact, "归类") == []


def test_another_enterprises_requests_are_never_found(world):
    other = world.new_party()
    theirs = world.file_request(other, subject="AEO认证复核", description="材料清单")
    mine = world.file_request(subject="AEO认证咨询", description="材料清单")
    assert selectors.search_requests(world.contact, "AEO认证") == [mine]
    assert selectors.search_requests(world.coordinator.user, "AEO认证") == [mine]
    assert theirs in selectors.search_requests(other.coordinator.user, "AEO认证")


def test_the_workspace_searches_in_chinese_and_by_number(client, world):
    tax = world.file_request(subject="出口退税申报失败")
    world.file_request(subject="查验等待", description="集装箱查验")
    client.force_login(world.coordinator.user)
    url = reverse("coordination:workspace")
    assert [r.pk for r in client.get(url, {"q": "出口退税怎么办"}).context["page"].items] == [tax.pk]
    assert [r.pk for r in client.get(url, {"q": f"#{tax.pk}"}).context["page"].items] == [tax.pk]
    assert client.get(url, {"q": "不存在的词"}).context["page"].items == []


def test_vectors_are_written_with_the_text(world):
    request = world.file_request(subject="归类问题")
    stored = CoordinationRequest.objects.filter(
        pk=request.pk, search_vector=search.search_for("归类").all_terms
    )
    assert stored.exists()
    answer = publish(world, "AEO认证")
    assert PublishedAnswer.objects.filter(pk=answer.pk, search_vector__isnull=False).exists()


def test_question_words_are_dropped_from_a_search():
    assert search.parse("出口退税怎么办") == ["出口", "退税"]
    assert search.parse("AEO认证") == ["aeo", "认证"]
    assert search.parse("怎么办") == ["怎么办"]
