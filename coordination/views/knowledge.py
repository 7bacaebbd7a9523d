"""Published answers (knowledge base): every signed-in enterprise member and customs staff may browse
and search them; they carry no enterprise identity."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from coordination import knowledge, selectors
from coordination.forms import KnowledgeSearchForm


@login_required
def knowledge_base(request: HttpRequest) -> HttpResponse:
    form = KnowledgeSearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = knowledge.search(data.get("q") or "", data.get("service_type") or "")
    if isinstance(qs, list):
        # Ranked results: bounded to the best page (a search, not a browse).
        page = selectors.KeysetPage(items=qs)
    else:
        page = selectors.keyset_page(
            qs, field_name="published_at", descending=True, cursor=request.GET.get("cursor")
        )
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = (
        "coordination/_answer_rows.html"
        if getattr(request, "htmx", False)
        else "coordination/knowledge_base.html"
    )
    return render(request, template, context)


@login_required
def answer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    answer = knowledge.published().filter(pk=pk).first()
    if answer is None:
        raise Http404
    return render(request, "coordination/answer_detail.html", {"answer": answer})
