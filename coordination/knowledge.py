"""Published answers: resolved requests published as questions and answers for all enterprises, with
the enterprise's identity removed (docs/DOMAIN.md, "Service practice": handling published regularly).

Search is full-text (``coordination.search``, ``portal.search``): the title, question and answer are
cut into words by jieba and indexed as a ``tsvector`` (GIN), so a question typed in full — 出口退税怎么办 —
finds the answers about 出口退税, ranked by ``ts_rank`` (title words weigh most). Should no indexed word
match, the search falls back to the substring of ``search_text`` (trigram GIN index).
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db.models import Q
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from coordination import search as full_text
from coordination.models import CoordinationRequest, PublishedAnswer

PLACEHOLDER = "某企业"
SUGGESTION_THRESHOLD = 0.12


def identity_terms(enterprise) -> list[str]:
    """What would identify the enterprise: its names, USCC and customs code."""
    terms = [enterprise.name_zh, enterprise.name_en, enterprise.uscc, enterprise.customs_code]
    return [t for t in terms if t and len(t.strip()) >= 2]


def anonymise(text: str, enterprise) -> str:
    for term in sorted(identity_terms(enterprise), key=len, reverse=True):
        text = re.sub(re.escape(term), PLACEHOLDER, text, flags=re.IGNORECASE)
    return text


def identity_leaks(enterprise, *texts: str) -> list[str]:
    """The identifying terms still present in ``texts`` (case-insensitive)."""
    joined = "\n".join(texts).lower()
    return [t for t in identity_terms(enterprise) if t.lower() in joined]


def prefill(request: CoordinationRequest) -> dict[str, str]:
    """Initial title, question and answer for publishing ``request``, identity removed."""
    enterprise = request.enterprise
    return {
        "title": anonymise(request.subject, enterprise),
        "question": anonymise(request.description, enterprise),
        "answer": anonymise(request.resolution_summary, enterprise) or _("(Write the answer here.)"),
        "service_type": request.service_type,
    }


def search_text(title: str, question: str, answer: str) -> str:
    return "\n".join((title, question, answer))


def published():
    return PublishedAnswer.objects.filter(is_withdrawn=False)


SEARCH_LIMIT = 25


def search(query: str = "", service_type: str = ""):
    """Without ``query``: the published answers, newest first (a queryset to page through). With it: the
    best-ranked answers (a list of at most ``SEARCH_LIMIT``)."""
    qs = published()
    if service_type:
        qs = qs.filter(service_type=service_type)
    query = (query or "").strip()
    if not query:
        return qs.order_by("-published_at", "-id")
    found = full_text.answers(query, service_type=service_type, limit=SEARCH_LIMIT)
    if found:
        return found
    for term in [t for t in query.split() if t][:8]:
        qs = qs.filter(search_text__icontains=term)
    return list(
        qs.annotate(rank=TrigramSimilarity("title", query)).order_by("-rank", "-published_at", "-id")[
            :SEARCH_LIMIT
        ]
    )


def similar_to(subject: str, limit: int = 5):
    """Answers that look like ``subject`` (suggested while the enterprise types a new request)."""
    subject = (subject or "").strip()[:200]
    if len(subject) < 2:
        return published().none()
    found = full_text.answers(subject, limit=limit)
    if found:
        return found
    score = Greatest(TrigramSimilarity("title", subject), TrigramWordSimilarity(subject, "search_text"))
    return list(
        published()
        .annotate(score=score)
        .filter(Q(score__gte=SUGGESTION_THRESHOLD) | Q(search_text__icontains=subject))
        .order_by("-score", "-published_at", "-id")[:limit]
    )
