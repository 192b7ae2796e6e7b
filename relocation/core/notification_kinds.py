"""The kinds of notification, for the channels a user may choose.

A notification's category is the first part of its verb (`task.assigned` → `task`).
Users choose per category whether it also comes by e-mail; the in-app inbox always
gets it. A few verbs always go by e-mail (and to the unit's group robot) too,
whatever the user chose: the formal and urgent ones, where HQ must be able to rely
on the message having gone out.

Each app registers its own categories and urgent verbs in its `ready()`, so the
core names none of them (a new domain adds its kinds without touching the core);
what no app claims falls under "other".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

OTHER = "other"


@dataclass(frozen=True)
class Category:
    key: str
    label: str | Promise
    order: int


_categories: dict[str, Category] = {}
# verb → why it always goes by e-mail as well.
_mandatory: dict[str, str | Promise] = {}


def register(
    key: str, label: str | Promise, *, order: int = 50, mandatory: dict[str, str | Promise] | None = None
) -> None:
    """Declare a category (the verbs' first part) and, optionally, its urgent verbs with the reason."""
    if key == OTHER:
        raise ValueError("'other' is the core's own category")
    _categories[key] = Category(key, label, order)
    for verb, reason in (mandatory or {}).items():
        if category_of_known(verb, {key}) != key:
            raise ValueError(f"{verb} does not belong to category {key}")
        _mandatory[verb] = reason


def categories() -> list[tuple[str, str | Promise]]:
    """(key, label) of every category in display order, "other" last."""
    ordered = sorted(_categories.values(), key=lambda c: (c.order, c.key))
    return [(c.key, c.label) for c in ordered] + [(OTHER, _("其他通知"))]


def mandatory() -> dict[str, str | Promise]:
    return dict(_mandatory)


def category_of_known(verb: str, known: set[str]) -> str:
    prefix = verb.split(".", 1)[0]
    return prefix if prefix in known else OTHER


def category_of(verb: str) -> str:
    return category_of_known(verb, set(_categories))


def is_mandatory(verb: str) -> bool:
    return verb in _mandatory
