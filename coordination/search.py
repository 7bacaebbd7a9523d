"""Full-text search of coordination requests and published answers (``portal.search``: jieba words in
a ``tsvector`` behind a GIN index, ranked with ``ts_rank``).

- A request's ``search_vector`` holds its subject (weight A), description (B) and the messages everyone
  reads (C); ``internal_search_vector`` the internal notes (D), which only customs search. The services
  that write a request or a message call :func:`index_request` in the same transaction.
- A published answer's ``search_vector`` holds its title (A), question (B) and answer (C), written by
  :func:`index_answer` when it is published or edited.

Searches stay inside ``visible_to(user)``: a match in an enterprise the user may not see, or in an
internal note for an enterprise user, is never found.
"""

from __future__ import annotations

from coordination.models import CoordinationRequest, PublishedAnswer, RequestMessage
from portal import search

MAX_INDEXED_MESSAGES = 200  # a request's latest messages; older ones still match through the description


def index_request(request_id: int) -> None:
    """Recompute the request's two vectors from its text (a few hundred messages at most)."""
    request = CoordinationRequest.objects.filter(pk=request_id).values("subject", "description").first()
    if request is None:
        return
    public: list[str] = []
    internal: list[str] = []
    for body, is_internal in (
        RequestMessage.objects.filter(request_id=request_id)
        .order_by("-created_at", "-id")
        .values_list("body", "is_internal")[:MAX_INDEXED_MESSAGES]
    ):
        (internal if is_internal else public).append(body)
    CoordinationRequest.objects.filter(pk=request_id).update(
        search_vector=search.document(
            ("A", request["subject"]), ("B", request["description"]), ("C", "\n".join(public))
        ),
        internal_search_vector=search.document(("D", "\n".join(internal))) if internal else None,
    )


def index_answer(answer_id: int) -> None:
    answer = PublishedAnswer.objects.filter(pk=answer_id).values("title", "question", "answer").first()
    if answer is None:
        return
    PublishedAnswer.objects.filter(pk=answer_id).update(
        search_vector=search.document(
            ("A", answer["title"]), ("B", answer["question"]), ("C", answer["answer"])
        )
    )


def requests(queryset, user, text: str, limit: int = 50) -> list[CoordinationRequest]:
    """The requests of ``queryset`` (already ``visible_to(user)``) matching ``text``, best first; an
    ``#123`` or a bare number also finds request 123."""
    text = (text or "").strip()
    found: list[CoordinationRequest] = []
    number = text.lstrip("#")
    if number.isdigit() and len(number) < 12:
        found = list(queryset.filter(pk=int(number)))
    fields = ("search_vector", "internal_search_vector") if user.is_customs_staff else ("search_vector",)
    rows = search.matching(queryset, search.search_for(text), fields=fields, limit=limit)
    seen = {r.pk for r in found}
    return found + [r for r in rows if r.pk not in seen]


def answers(text: str, *, service_type: str = "", limit: int = 25) -> list[PublishedAnswer]:
    queryset = PublishedAnswer.objects.filter(is_withdrawn=False)
    if service_type:
        queryset = queryset.filter(service_type=service_type)
    return search.matching(queryset, search.search_for(text), limit=limit)
