"""Explicit status transitions: a table of allowed moves, applied with a
conditional UPDATE so two concurrent requests cannot both move the same row.

Each app declares its table next to its model (`transitions.py`) and keeps its
own history rows; this module only enforces the move.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from relocation.core.errors import ConflictError, TransitionError


def check_move(allowed: Mapping[str, set[str] | frozenset[str]], current: str, target: str, labels: Any = None) -> None:
    """Refuse a move the table does not list, naming both states for the user."""
    if target not in allowed.get(current, ()):
        label = dict(labels.choices) if labels is not None else {}
        raise TransitionError(
            _("不能从“%(src)s”变更为“%(dst)s”。")
            % {"src": label.get(current, current), "dst": label.get(target, target)}
        )


def move(
    instance: models.Model,
    *,
    field: str,
    target: str,
    allowed: Mapping[str, set[str] | frozenset[str]],
    labels: Any = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """Move `instance.<field>` to `target` if the row still holds the state we
    read; returns the previous state. Raises ConflictError when another request
    moved it first. Call inside transaction.atomic()."""
    current = getattr(instance, field)
    check_move(allowed, current, target, labels)
    values: dict[str, Any] = {field: target, **(extra or {})}
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        from django.utils import timezone

        values["updated_at"] = timezone.now()
    if any(f.name == "version" for f in instance._meta.concrete_fields):
        values["version"] = models.F("version") + 1
    updated = type(instance)._default_manager.filter(pk=instance.pk, **{field: current}).update(**values)
    if updated != 1:
        raise ConflictError(_("该记录的状态刚被其他人修改，请刷新后重试。"))
    for key, value in values.items():
        if not isinstance(value, models.expressions.Combinable):
            setattr(instance, key, value)
    if "version" in values:
        instance.refresh_from_db(fields=["version"])
    return current


def save_if_unchanged(instance: models.Model, *, expected_version: int, fields: list[str]) -> None:
    """Optimistic concurrency for edits: save `fields` only if nobody saved the
    row since the user loaded version `expected_version`."""
    from django.utils import timezone

    values = {f: getattr(instance, f) for f in fields}
    values["version"] = expected_version + 1
    if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    # Route through the field's get_prep_value (encryption) via a queryset update.
    updated = type(instance)._default_manager.filter(pk=instance.pk, version=expected_version).update(**values)
    if updated != 1:
        raise ConflictError(_("在您编辑期间，其他人已修改了这条记录。请刷新页面查看最新内容后再修改。"))
    instance.version = expected_version + 1
