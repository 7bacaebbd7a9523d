"""Shared pieces of the admin's actions with a confirmation page.

An action first renders an intermediate page (a form, or a summary to confirm); the page posts back to
the changelist with the same action and selection plus ``apply``. Only then is the service called; a
``DomainError`` becomes an admin error message, never a 500.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from stdnum.cn import uscc

from portal.exceptions import DomainError

if TYPE_CHECKING:
    pass

CONFIRM_TEMPLATE = "admin/guanqi/confirm_action.html"
MAX_SELECTION = 100


def is_confirmed(request) -> bool:
    return request.method == "POST" and "apply" in request.POST


def too_many(modeladmin, request, queryset, limit: int = MAX_SELECTION) -> bool:
    """Actions with a form work on a bounded selection (the page lists every selected object)."""
    if queryset[: limit + 1].count() > limit:
        modeladmin.message_user(
            request,
            ngettext(
                "Select at most %(n)d object for this action.",
                "Select at most %(n)d objects for this action.",
                limit,
            )
            % {"n": limit},
            messages.WARNING,
        )
        return True
    return False


def exactly_one(modeladmin, request, queryset):
    objects = list(queryset[:2])
    if len(objects) != 1:
        modeladmin.message_user(request, _("Select exactly one object for this action."), messages.WARNING)
        return None
    return objects[0]


def domain_error(modeladmin, request, exc: DomainError, *, prefix: str = "") -> None:
    text = f"{prefix}: {exc.message}" if prefix else str(exc.message)
    modeladmin.message_user(request, text, messages.ERROR)


def confirmation_page(
    modeladmin,
    request,
    queryset,
    *,
    title: str,
    form: forms.Form | None = None,
    template: str = CONFIRM_TEMPLATE,
    submit_label: str | None = None,
    **context,
) -> TemplateResponse:
    opts = modeladmin.model._meta
    media = modeladmin.media
    if form is not None:
        media = media + form.media
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(
        request,
        template,
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "opts": opts,
            "queryset": queryset,
            "form": form,
            "media": media,
            "action_name": request.POST.get("action", ""),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "submit_label": submit_label or _("Confirm"),
            **context,
        },
    )


def apply_each(modeladmin, request, objects, call) -> int:
    """Call the service for each object; a refusal becomes an error message naming the object."""
    done = 0
    for obj in objects:
        try:
            call(obj)
        except DomainError as exc:
            domain_error(modeladmin, request, exc, prefix=str(obj))
        else:
            done += 1
    return done


def bulk_action_with_form(
    modeladmin,
    request,
    queryset,
    *,
    form,
    call,
    success,
    title: str,
    submit_label: str,
    limit: int = MAX_SELECTION,
    template: str = CONFIRM_TEMPLATE,
    **context,
):
    """The one shape of a bulk action: a bounded selection, a form on a confirmation page, then the
    service for each object and one success message.

    ``form(data)`` builds the form (``data`` is None on the first visit); ``call(obj, cleaned_data)`` runs
    the service; ``success(n, cleaned_data)`` words the message for ``n`` objects done.
    """
    if too_many(modeladmin, request, queryset, limit):
        return None
    bound = form(request.POST if is_confirmed(request) else None)
    if is_confirmed(request) and bound.is_valid():
        data = bound.cleaned_data
        done = apply_each(modeladmin, request, list(queryset), lambda obj: call(obj, data))
        if done:
            modeladmin.message_user(request, success(done, data), messages.SUCCESS)
        return None
    return confirmation_page(
        modeladmin,
        request,
        queryset,
        title=title,
        form=bound,
        submit_label=submit_label,
        template=template,
        **context,
    )


class ScopedAdminMixin:
    """The one admin scope (``portal.scoping``): every changelist, change page by id, history page,
    autocomplete, action and foreign-key choice shows only what ``visible_to(request.user)`` allows, so
    an officer of another district gets a 404 when guessing ids.

    simple-history's pages are read-only here: a past version is shown, never reverted (a revert would
    bypass the services, e.g. bring a disqualified coordinator back to active).
    """

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        manager = db_field.related_model._default_manager
        if "queryset" not in kwargs and hasattr(manager, "visible_to"):
            kwargs["queryset"] = manager.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def revert_disabled(self, request, obj=None):
        return True

    def _in_scope_or_404(self, request, object_id) -> None:
        from django.contrib.admin.utils import unquote
        from django.http import Http404

        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)  # type: ignore[misc]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        from django.core.exceptions import PermissionDenied

        self._in_scope_or_404(request, object_id)
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]


class ReadOnlyInline:
    """A history inline: shown, never edited from the parent page."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AppendOnlyAdminMixin:
    """History models: listed and viewed in the admin; rows are written by services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DomainErrorSafeChangeformMixin:
    """A service refusing a save the form had accepted (e.g. a concurrent change) becomes an error
    message and a fresh form, never a 500. Forms check the same rules first through the services'
    ``check_*`` functions, so this is the rare path."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            from django.http import HttpResponseRedirect

            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def extend_admin(model, *, mixin: type | None = None, inlines=(), list_filter=(), site=None) -> None:
    """Add an upper app's parts to the admin a lower app registered for ``model`` (the lower app never
    imports the upper one): the registered class is replaced by a subclass that puts ``mixin`` first
    (its ``actions`` are appended; its methods, e.g. ``get_urls``, chain through ``super()``) and adds
    ``inlines`` and ``list_filter``. Called at import of the upper app's ``admin.py``."""
    from django.contrib import admin

    site = site or admin.site
    current = type(site._registry[model])
    bases = (mixin, current) if mixin is not None else (current,)
    attrs = {
        "__module__": (mixin or current).__module__,
        "inlines": [*current.inlines, *inlines],
        "list_filter": [*current.list_filter, *list_filter],
        "actions": [*(current.actions or []), *getattr(mixin, "extra_actions", [])],
    }
    site.unregister(model)
    site.register(model, type(current.__name__, bases, attrs))


def file_links(files, url_name: str):
    """The download links of stored files (``portal.uploads``) for an admin read-only field; the view
    behind ``url_name`` checks access again."""
    from django.urls import reverse
    from django.utils.html import format_html, format_html_join

    rows = list(files)
    if not rows:
        return "—"
    return format_html(
        '<ul class="guanqi-files" data-testid="admin-files">{}</ul>',
        format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            ((reverse(url_name, args=[f.pk]), f.original_name) for f in rows),
        ),
    )


def changelist_url(request, model, *, order: str = "", **filters) -> str:
    """The admin list of ``model`` filtered by ``filters`` (lookups of the model's own fields or its list
    filters' parameters) and sorted by the list column ``order`` ("-name": descending) — as ``request``'s
    user sees the list, whose first column is the action checkbox when they have actions."""
    from django.contrib import admin
    from django.urls import reverse
    from django.utils.http import urlencode

    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    params = {key: value for key, value in filters.items() if value is not None}
    model_admin = admin.site._registry.get(model)
    if order and model_admin is not None:
        name = order.lstrip("-")
        display = list(model_admin.get_list_display(request))
        if model_admin.get_actions(request):
            display.insert(0, "action_checkbox")
        if name in display:
            params["o"] = f"{'-' if order.startswith('-') else ''}{display.index(name)}"
    return f"{url}?{urlencode(params)}" if params else url


# --- Big tables (a million enterprises, two million requests) -------------------------------------------


class CappedCountPaginator(Paginator):
    """A paginator that never counts a whole big table: it counts at most ``COUNT_CAP + 1`` rows of the
    filtered list (an index range, a few milliseconds), so an officer's list of 800,000 requests is not
    counted on every page. Past the cap the admin says "more than 1,000" (templates/admin/pagination.html)
    and offers the first ``COUNT_CAP`` rows' pages; filters and search narrow the rest."""

    COUNT_CAP = 1_000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.COUNT_CAP + 1].count()  # type: ignore[attr-defined]  # a QuerySet

    @property
    def capped(self) -> bool:
        return self.count > self.COUNT_CAP


class BigTableAdminMixin:
    """Lists over the biggest tables: no full count (``CappedCountPaginator``, ``show_full_result_count``
    off), and a search term that is a unified social credit code searches the enterprise's code alone,
    through its unique index, instead of ``LIKE`` over every searched column (``uscc_lookup``, e.g.
    ``"enterprise__uscc"``)."""

    paginator: type[Paginator] = CappedCountPaginator
    show_full_result_count: bool = False
    # Rendering a row costs the worker ~0.7 ms of CPU (display methods, links, localised dates): 50 rows
    # a page, as the appeals and enterprises lists, not Django's 100.
    list_per_page: int = 50
    uscc_lookup = ""

    def get_search_results(self, request, queryset, search_term):
        term = (search_term or "").strip().upper()
        if self.uscc_lookup and len(term) == 18 and uscc.is_valid(term):
            relation, _sep, code_field = self.uscc_lookup.rpartition("__")
            if not relation:
                return queryset.filter(**{code_field: term}), False
            # The enterprise first (its unique code), then its rows by id: joined in one query, the
            # planner combined the code with the user's scope over the whole district instead.
            related = queryset.model._meta.get_field(relation).related_model
            pk = related._default_manager.filter(**{code_field: term}).values_list("pk", flat=True).first()
            return (queryset.filter(**{f"{relation}_id": pk}) if pk else queryset.none()), False
        return super().get_search_results(request, queryset, search_term)  # type: ignore[misc]
