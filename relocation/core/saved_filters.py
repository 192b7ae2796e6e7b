"""Saved filters (保存的筛选): a person names the current filter of a list and
opens the list with it again later, like a saved view. Each person's own; the
list is named by a key its view passes (e.g. "supervision.tasks"), and the
filter is the list's query string, so every list's own filter form applies it."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from relocation.core import audit
from relocation.core.errors import ServiceError
from relocation.core.models import SavedFilter

# Enough for anyone's habits; more is a sign of a missing default.
PER_LIST = 30
# Parameters that are not part of a filter: where the person was, not what they chose.
NOT_FILTERS = {"page", "export", "format", "csrfmiddlewaretoken"}


def clean_query(query: str) -> str:
    params = QueryDict(query.lstrip("?"), mutable=True)
    for name in NOT_FILTERS:
        params.pop(name, None)
    return params.urlencode()[:1000]


def filters_of(user: Any, list_key: str) -> QuerySet[SavedFilter]:
    if not getattr(user, "is_authenticated", False):
        return SavedFilter.objects.none()
    return SavedFilter.objects.filter(user=user, list_key=list_key).only("pk", "name", "query", "list_key")


def saved_filter_save(*, actor: Any, list_key: str, name: str, query: str) -> SavedFilter:
    """Save (or overwrite, under the same name) the actor's filter of a list."""
    name = (name or "").strip()[:60]
    if not name:
        raise ServiceError(_("请为筛选条件起一个名称。"))
    if not list_key:
        raise ServiceError(_("未知的列表。"))
    query = clean_query(query or "")
    with transaction.atomic():
        existing = SavedFilter.objects.select_for_update().filter(user=actor, list_key=list_key, name=name).first()
        if existing is None and SavedFilter.objects.filter(user=actor, list_key=list_key).count() >= PER_LIST:
            raise ServiceError(_("每个列表最多保存 %(n)s 个筛选条件，请先删除不用的。") % {"n": PER_LIST})
        try:
            saved, _created = SavedFilter.objects.update_or_create(
                user=actor, list_key=list_key, name=name, defaults={"query": query}
            )
        except IntegrityError as exc:  # the same name saved at the same moment in another tab
            raise ServiceError(_("同名的筛选条件刚刚已保存。")) from exc
        audit.record(actor=actor, action="saved_filter.saved", obj=saved, summary=f"{list_key}: {name}")
    return saved


def saved_filter_delete(*, actor: Any, pk: int) -> None:
    """Delete one of the actor's own saved filters (another person's is not found)."""
    with transaction.atomic():
        saved = SavedFilter.objects.filter(user=actor, pk=pk).first()
        if saved is None:
            raise ServiceError(_("该筛选条件不存在或已删除。"))
        audit.record(actor=actor, action="saved_filter.deleted", obj=saved, summary=f"{saved.list_key}: {saved.name}")
        saved.delete()
