"""Published answers: resolved requests published as questions and answers for all enterprises, with
the enterprise's identity removed (docs/DOMAIN.md, "Service practice": handling published regularly).

Search uses ``icontains`` on ``search_text`` (title + question + answer) backed by a GIN trigram index,
which finds Chinese substrings such as “退税” (Chinese has no spaces, so word-based trigram similarity
alone misses short terms); results are ranked by trigram similarity to the title.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db.models import Q
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

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


def search(query: str = "", service_type: str = ""):
    """Published answers matching every whitespace-separated term of ``query``."""
    qs = published()
    if service_type:
        qs = qs.filter(service_type=service_type)
    terms = [t for t in (query or "").split() if t][:8]
    for term in terms:
        qs = qs.filter(search_text__icontains=term)
    if terms:
        return qs.annotate(rank=TrigramSimilarity("title", " ".join(terms))).order_by(
            "-rank", "-published_at", "-id"
        )
    return qs.order_by("-published_at", "-id")


def similar_to(subject: str, limit: int = 5):
    """Answers that look like ``subject`` (suggested while the enterprise types a new request)."""
    subject = (subject or "").strip()[:200]
    if len(subject) < 2:
        return published().none()
    score = Greatest(TrigramSimilarity("title", subject), TrigramWordSimilarity(subject, "search_text"))
    return (
        published()
        .annotate(score=score)
        .filter(Q(score__gte=SUGGESTION_THRESHOLD) | Q(search_text__icontains=subject))
        .order_by("-score", "-published_at", "-id")[:limit]
    )
