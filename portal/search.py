"""Full-text search that understands Chinese, for every searchable text of the product (requests and
their messages, published answers).

Chinese has no spaces between words, so PostgreSQL's parser alone would index a whole sentence as one
"word". jieba (a well-kept segmenter that ships its dictionary and works offline) cuts the text into
words first; PostgreSQL then indexes those words as a ``tsvector`` with the ``simple`` configuration
(lower-casing only, no stemming: the same for Chinese and for codes such as "AEO"), behind a GIN index,
and ranks matches with ``ts_rank``.

- :func:`document` builds the stored vector from weighted parts (``("A", subject), ("B", body)``); the
  service that writes the text stores it in the same transaction, so the index is never stale.
  Documents are cut in jieba's *search* mode: a compound such as 出口退税 is indexed as 出口, 退税 and
  出口退税, so a search for either the compound or its parts finds it.
- :func:`parse` turns what a person typed (出口退税怎么办) into the content words (出口, 退税): question words
  and particles (怎么办, 如何, 吗, …) and lone characters beside real words are dropped, since an answer
  rarely contains them.
- :func:`matching` filters and ranks a queryset: every word must match; when nothing matches every
  word, the rows matching any word are returned, best-ranked first (a question typed in full still
  finds an answer that shares its important words).
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db.models import F, Func, Q, QuerySet, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce

CONFIG = "simple"
MAX_TERMS = 8
MAX_DOCUMENT_CHARS = 20_000  # a longer text is indexed by its beginning (a tsvector holds at most 1 MB)

# Words a question carries that answers rarely do: dropped from searches (never from documents).
STOPWORDS = frozenset(
    [
        "怎么办",
        "怎么",
        "怎样",
        "如何",
        "什么",
        "为什么",
        "哪些",
        "哪里",
        "哪个",
        "多少",
        "是否",
        "能否",
        "可否",
        "可以",
        "能不能",
        "是不是",
        "有没有",
        "请问",
        "请",
        "问",
        "吗",
        "呢",
        "吧",
        "啊",
        "的",
        "地",
        "得",
        "了",
        "着",
        "过",
        "是",
        "在",
        "和",
        "与",
        "及",
        "或",
        "对",
        "把",
        "被",
        "给",
        "向",
        "从",
        "到",
        "就",
        "都",
        "也",
        "还",
        "又",
        "我",
        "我们",
        "我司",
        "你",
        "您",
        "贵司",
        "他",
        "她",
        "它",
        "这",
        "那",
        "这个",
        "那个",
        "一个",
        "有",
        "没有",
        "要",
        "需要",
        "应该",
        "应当",
        "会",
        "a",
        "an",
        "and",
        "are",
        "do",
        "does",
        "how",
        "i",
        "is",
        "of",
        "or",
        "the",
        "to",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "with",
    ]
)
_WORD = re.compile(r"\w", re.UNICODE)

_lock = threading.Lock()
_ready = False


def _jieba():
    """jieba, initialised once per process (it builds its prefix dictionary on first use)."""
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


def words(text: str, *, for_document: bool = True) -> list[str]:
    """The words of ``text``, lower-cased, punctuation dropped. Documents are cut in search mode (a
    compound and its parts); queries in precise mode (what the person meant)."""
    text = (text or "")[:MAX_DOCUMENT_CHARS]
    if not text.strip():
        return []
    jieba = _jieba()
    cut = jieba.cut_for_search(text) if for_document else jieba.cut(text)
    return [w.lower() for w in (t.strip() for t in cut) if w and _WORD.search(w)]


def segmented(text: str) -> str:
    """``text`` with its words separated by spaces: what PostgreSQL's parser then indexes."""
    return " ".join(words(text))


def document(*parts: tuple[str, str]) -> Combinable:
    """The ``tsvector`` of weighted parts, e.g. ``document(("A", subject), ("B", description))``: an
    expression to store in a :class:`~django.contrib.postgres.search.SearchVectorField`."""
    vectors: list[Combinable] = [
        SearchVector(Value(segmented(text)), config=CONFIG, weight=weight) for weight, text in parts if text
    ]
    if not vectors:
        return SearchVector(Value(""), config=CONFIG)
    return reduce(lambda a, b: a + b, vectors)  # type: ignore[no-any-return]


def parse(text: str) -> list[str]:
    """The content words of a search, in the order typed, without duplicates (at most ``MAX_TERMS``)."""
    seen: list[str] = []
    for word in words((text or "")[:200], for_document=False):
        if word not in STOPWORDS and word not in seen:
            seen.append(word)
    if not seen:  # a search made only of question words: search them after all
        seen = list(dict.fromkeys(words((text or "")[:200], for_document=False)))
    # A single Chinese character beside real words (不, 词, 地) matches far too much: keep the words.
    if any(len(w) > 1 for w in seen):
        seen = [w for w in seen if len(w) > 1 or w.isascii()]
    return seen[:MAX_TERMS]


@dataclass(frozen=True)
class Search:
    """A parsed search: ``all_terms`` (every word must match) and ``any_terms`` (one word suffices)."""

    terms: tuple[str, ...]

    @property
    def all_terms(self) -> SearchQuery:
        return SearchQuery(" ".join(self.terms), config=CONFIG, search_type="plain")

    @property
    def any_terms(self) -> SearchQuery:
        queries = [SearchQuery(term, config=CONFIG, search_type="plain") for term in self.terms]
        return reduce(lambda a, b: a | b, queries)

    def __bool__(self) -> bool:
        return bool(self.terms)


def search_for(text: str) -> Search:
    return Search(tuple(parse(text)))


def _vector(fields: tuple[str, ...]):
    """The stored vectors of ``fields`` joined (an empty vector where one is NULL)."""
    parts = [Coalesce(F(name), Cast(Value(""), SearchVectorField())) for name in fields]
    if len(parts) == 1:
        return parts[0]
    return Func(
        *parts, function="", template="(%(expressions)s)", arg_joiner=" || ", output_field=SearchVectorField()
    )


def matching(
    queryset: QuerySet, search: Search, *, fields: tuple[str, ...] = ("search_vector",), limit: int = 50
) -> list:
    """The rows of ``queryset`` whose vectors (``fields``, each behind its GIN index) match ``search``,
    best first (``ts_rank``), at most ``limit``: the rows with every word when there are any, else the
    rows with any word. Each row carries ``rank``."""
    if not search:
        return []
    queries = (search.all_terms, search.any_terms) if len(search.terms) > 1 else (search.all_terms,)
    for query in queries:
        condition = reduce(lambda a, b: a | b, [Q(**{name: query}) for name in fields])
        rows = list(
            queryset.filter(condition)
            .annotate(rank=SearchRank(_vector(fields), query))
            .order_by("-rank", "-pk")[:limit]
        )
        if rows:
            return rows
    return []


__all__ = ["CONFIG", "Search", "SearchVectorField", "document", "matching", "parse", "search_for", "words"]
