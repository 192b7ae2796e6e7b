"""History rows the system wrote have no actor; every page that lists them
renders 系统 instead of failing (a failed filter argument is a 500)."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
# `a.b.display_name|default:a.b.username`: the filter argument fails when a.b is None.
FRAGILE = re.compile(r"(\w+(?:\.\w+)+)\.display_name\|default:\1\.username")


def _render(actor, fallback=""):
    arg = f':"{fallback}"' if fallback else ""
    return Template("{% load rhq %}{{ h.actor|actor_name" + arg + " }}").render(Context({"h": {"actor": actor}}))


def test_it_names_the_system_when_there_is_no_actor():
    assert _render(None) == "系统"
    with translation.override("en"):
        assert _render(None) == "System"


def test_it_takes_a_fallback_label():
    assert _render(None, "系统（升级）") == "系统（升级）"


def test_it_prefers_the_display_name_then_the_username(django_user_model):
    assert _render(django_user_model(username="li", display_name="李四")) == "李四"
    assert _render(django_user_model(username="li")) == "li"


def test_no_template_looks_up_a_username_through_an_object_that_may_be_missing():
    offenders = [
        f"{path.relative_to(ROOT)}: {m.group(0)}"
        for path in ROOT.glob("*/templates/**/*.html")
        for m in FRAGILE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
