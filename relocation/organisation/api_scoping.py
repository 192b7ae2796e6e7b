"""API input names only objects of the caller's programme.

A serializer field that takes an id (a unit, an enterprise, a person, a park,
a meeting, a task…) looks the id up in a queryset; left at `Model.objects.all()`
it would accept another programme's object and a service might then write a
row that links the two. `ProgrammeScoped` narrows every writable related field
of a serializer to the request user's programme, so that an id of another
programme is "object does not exist" (400), exactly as a nonexistent id.

The programme is found from the serializer's context (`request`) or, for the
many serializers built as `Serializer(data=request.data)` inside an action,
from the request being served (`current_request`, set by `ProgrammeMiddleware`;
DRF puts the token- or session-authenticated user on it). Outside a request
(a shell, a job) there is no programme and the fields accept nothing: fail closed.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import cache
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from rest_framework import relations, serializers

from relocation.core.roles import Role
from relocation.organisation.models import Programme, User

# The Django request being served (see the module docstring).
current_request: ContextVar[Any] = ContextVar("organisation_current_request", default=None)

# How deep `programme_path` follows foreign keys to find a model's programme.
_MAX_DEPTH = 3


def users_of_programme(programme: Programme) -> Q:
    """Accounts that may be named in `programme`'s data: its units' accounts, its
    enterprises' contacts and the installation-wide accounts (no unit), who work
    in whichever programme they choose."""
    return (
        Q(unit__programme=programme)
        | Q(unit__isnull=True, enterprise_link__enterprise__programme=programme)
        | (Q(unit__isnull=True) & ~Q(role=Role.ENTERPRISE_CONTACT))
    )


@cache
def programme_path(model: type[models.Model]) -> str | None:
    """The lookup from `model` to its Programme (`programme`, `unit__programme`,
    `enterprise__programme`…), following non-null forward foreign keys, the
    shortest first; None for shared reference data (categories, screening values)."""
    if model is Programme:
        return "pk"
    frontier: list[tuple[type[models.Model], str]] = [(model, "")]
    for _depth in range(_MAX_DEPTH):
        following: list[tuple[type[models.Model], str]] = []
        for current, prefix in frontier:
            for field in current._meta.get_fields():
                if not (field.many_to_one or field.one_to_one) or not field.concrete or field.null:
                    continue
                target = field.related_model
                path = f"{prefix}{field.name}"
                if target is Programme:
                    return path
                following.append((target, f"{path}__"))
        frontier = following
    return None


def scope_to_programme(queryset: QuerySet[Any], programme: Programme | None) -> QuerySet[Any]:
    """`queryset` narrowed to `programme`'s rows (none at all without a programme);
    models without a programme (reference data) are left as they are."""
    model = queryset.model
    if model is User:
        return queryset.filter(users_of_programme(programme)) if programme else queryset.none()
    path = programme_path(model)
    if path is None:
        return queryset
    if programme is None:
        return queryset.none()
    return queryset.filter(**{path: programme})


def _request_user(context: dict[str, Any]) -> Any:
    request = context.get("request") or current_request.get()
    return getattr(request, "user", None) if request is not None else None


def _scope_field(field: Any, programme: Programme | None) -> None:
    if isinstance(field, relations.ManyRelatedField):
        _scope_field(field.child_relation, programme)
    elif isinstance(field, relations.RelatedField) and getattr(field, "queryset", None) is not None:
        field.queryset = scope_to_programme(field.queryset, programme)


class ProgrammeScoped:
    """Serializer mixin: every writable related field accepts only objects of
    the request user's programme. Put it first in the bases."""

    def get_fields(self) -> dict[str, Any]:
        from relocation.organisation.selectors import programme_for

        fields = super().get_fields()  # type: ignore[misc]
        user = _request_user(self.context)  # type: ignore[attr-defined]
        programme = programme_for(user) if getattr(user, "is_authenticated", False) else None
        for field in fields.values():
            _scope_field(field, programme)
        return fields


class ScopedSerializer(ProgrammeScoped, serializers.Serializer):
    """A plain serializer whose id fields stay inside the caller's programme."""


class ScopedModelSerializer(ProgrammeScoped, serializers.ModelSerializer):
    """A model serializer whose id fields stay inside the caller's programme."""
