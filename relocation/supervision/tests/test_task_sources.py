"""Task sources are a registry: each app registers the sources of the tasks it
creates, supervision names none of them, and a task from a source nobody
registered is refused with nothing written."""

from __future__ import annotations

import pytest

from relocation.core.errors import ServiceError
from relocation.supervision import task_sources
from relocation.supervision.models import Task


def test_every_app_that_creates_tasks_has_registered_its_source():
    codes = [code for code, _label in task_sources.choices()]
    for code in ("plan", "meeting", "supervision", "enforcement", "lifecycle", "procedure", "monitoring"):
        assert code in codes
    for code in ("portal", "remediation", "stability", "manual"):
        assert code in codes
    assert codes[0] == "plan" and codes[-1] == "manual"  # the filter's order, as before


def test_the_model_field_reads_its_choices_from_the_registry(monkeypatch):
    monkeypatch.setitem(task_sources._sources, "wells", task_sources.Source("wells", "废弃井", 95))
    assert ("wells", "废弃井") in Task._meta.get_field("source").choices


@pytest.mark.django_db
def test_it_refuses_a_task_from_an_unregistered_source(make_task):
    with pytest.raises(ServiceError, match="未知的任务来源"):
        make_task(source="nowhere")
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_a_registered_source_of_a_higher_app_is_accepted(make_task):
    assert make_task(source="portal").get_source_display() == "公众诉求"
