"""Template filters shared by every app: masking personal data, actors, querystrings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext

from relocation.core import masking

register = template.Library()

register.filter("mask_phone", masking.mask_phone)
register.filter("mask_id_number", masking.mask_id_number)
register.filter("mask_bank_account", masking.mask_bank_account)
register.filter("mask_name", masking.mask_name)


@register.filter
def actor_name(user: Any, fallback: str = "") -> str:
    """Who made a change: the person's name, or 系统 for what the system wrote.

    History rows the system writes (deadlines passing, jobs, the demo seed) have no
    actor; `h.actor.display_name|default:h.actor.username` then fails on the filter
    argument and the whole page answers 500, so every history list goes through here.
    """
    if user is None or user == "":
        return fallback or gettext("系统")
    return getattr(user, "display_name", "") or getattr(user, "username", "") or str(user)


@register.simple_tag(takes_context=True)
def query_without(context: dict[str, Any], *keys: str) -> str:
    """The current query string minus `keys` (for pagination and sort links)."""
    request = context.get("request")
    if request is None:
        return ""
    params: QueryDict = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()


@register.simple_tag(takes_context=True)
def page_sections(context: Any, page: str, obj: Any) -> str:
    """Render the sections other apps registered for `page` (core.sections)."""
    from django.template.loader import render_to_string

    from relocation.core import sections

    request = context.get("request")
    parts = [
        render_to_string(template, {**section_context, "object": obj}, request=request)
        for template, section_context in sections.render_list(page, request, obj)
    ]
    from django.utils.safestring import mark_safe

    return mark_safe("".join(parts))  # noqa: S308 - each part is an autoescaped template


@register.filter
def estimate_mark(day: Any) -> str:
    """A badge after a date counted in working days through a year whose official
    holiday calendar is not known yet (counted Monday to Friday), else nothing."""
    from django.utils.html import format_html
    from django.utils.translation import gettext as _

    from relocation.core.workdays import is_estimate

    if not isinstance(day, dt.date) or not is_estimate(day, since=timezone.localdate()):
        return ""
    return format_html(
        ' <span class="badge text-bg-warning" title="{}">{}</span>',
        _("该年国家节假日安排尚未录入，按周一至周五估算"),
        _("估算"),
    )


@register.simple_tag(takes_context=True)
def export_link(context: Any, url: str = "", label: str = "") -> str:
    """The list's 导出 Excel button: the current page's query string (its
    filters, without the page number) plus export=xlsx, so the file holds what
    the list shows. Put it inside the part an htmx filter re-renders, so it
    follows the filters. `url` when the export lives at another address."""
    from django.utils.html import format_html

    from relocation.core.spreadsheets import EXPORT_PARAM, EXPORT_VALUE

    request = context.get("request")
    if request is None:
        return ""
    params: QueryDict = request.GET.copy()
    params.pop("page", None)
    if url:
        params.pop(EXPORT_PARAM, None)
    else:
        params[EXPORT_PARAM] = EXPORT_VALUE
    query = params.urlencode()
    href = (url or request.path) + (f"?{query}" if query else "")
    return format_html(
        '<a class="btn btn-sm btn-outline-secondary export-link" href="{}" download>'
        '<i class="bi bi-file-earmark-spreadsheet"></i> {}</a>',
        href,
        label or gettext("导出 Excel"),
    )
