"""Saved filters: a person saves the current filter of a list under a name,
opens the list with it, deletes it; each person sees only their own. The task
list opens on what is open, soonest deadline first, in the person's programme."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from relocation.core.errors import ServiceError
from relocation.core.models import SavedFilter
from relocation.core.saved_filters import saved_filter_delete, saved_filter_save

pytestmark = pytest.mark.django_db


def test_it_saves_lists_applies_and_deletes_a_filter_of_the_task_list(client, liaison):
    client.force_login(liaison)
    response = client.post(
        reverse("saved_filter_save"),
        {
            "list_key": "supervision.tasks",
            "name": "我的红色预警",
            "query": "warning=red&page=3",
            "next": "/supervision/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/supervision/?warning=red"
    saved = SavedFilter.objects.get(user=liaison)
    assert saved.query == "warning=red"  # the page number is where one was, not a filter
    html = client.get(reverse("supervision:tasks")).content.decode()
    assert 'href="/supervision/?warning=red">我的红色预警</a>' in html
    response = client.post(reverse("saved_filter_delete", args=[saved.pk]), {"next": "/supervision/"})
    assert response.status_code == 302 and not SavedFilter.objects.exists()


def test_the_ledger_list_offers_the_saved_filters_too(client, liaison):
    saved_filter_save(actor=liaison, list_key="enterprises.ledger", name="虎门电镀", query="industry=electroplating")
    client.force_login(liaison)
    html = client.get(reverse("enterprises:list")).content.decode()
    assert "虎门电镀" in html and 'data-list="enterprises.ledger"' in html


def test_another_persons_filters_are_neither_shown_nor_deleted(client, liaison, outsider):
    saved = saved_filter_save(actor=liaison, list_key="supervision.tasks", name="本单位", query="status=open")
    with pytest.raises(ServiceError):
        saved_filter_delete(actor=outsider, pk=saved.pk)
    client.force_login(outsider)
    assert "本单位" not in client.get(reverse("supervision:tasks")).content.decode()
    assert SavedFilter.objects.filter(pk=saved.pk).exists()


def test_a_name_is_required_and_saving_the_same_name_overwrites(liaison):
    with pytest.raises(ServiceError):
        saved_filter_save(actor=liaison, list_key="supervision.tasks", name="  ", query="q=x")
    saved_filter_save(actor=liaison, list_key="supervision.tasks", name="A", query="q=x")
    saved_filter_save(actor=liaison, list_key="supervision.tasks", name="A", query="q=y")
    assert list(SavedFilter.objects.values_list("query", flat=True)) == ["q=y"]


def test_the_redirect_stays_on_this_site(client, liaison):
    client.force_login(liaison)
    response = client.post(
        reverse("saved_filter_save"),
        {"list_key": "supervision.tasks", "name": "x", "query": "q=1", "next": "//evil.example/"},
    )
    assert response["Location"] == "/?q=1"


def test_the_task_list_opens_on_open_tasks_soonest_first_for_hq_too(client, hq_staff, liaison, units):
    from relocation.supervision import services
    from relocation.supervision.models import Task

    old = services.task_create(
        actor=hq_staff, title="二〇二一年的旧任务", lead_unit=units["humen"], deadline=dt.date(2021, 7, 1)
    )
    Task.objects.filter(pk=old.pk).update(status="verified")
    later = services.task_create(
        actor=hq_staff, title="较晚的任务", lead_unit=units["humen"], deadline=dt.date(2030, 3, 1)
    )
    sooner = services.task_create(
        actor=hq_staff, title="较早的任务", lead_unit=units["humen"], deadline=dt.date(2030, 1, 1)
    )
    for user in (hq_staff, liaison):
        client.force_login(user)
        rows = list(client.get(reverse("supervision:tasks")).context["page"])
        assert rows == [sooner, later], user
    everything = list(client.get(reverse("supervision:tasks"), {"status": ""}).context["page"])
    assert old in everything


def test_hq_sees_only_its_own_programmes_tasks(client, hq_staff):
    from relocation.conftest import make_unit, make_user
    from relocation.core.roles import Role
    from relocation.organisation.models import Programme
    from relocation.supervision import services

    other = Programme.objects.create(
        code="o", name="另一项目", zone_name="其他", city="江门市", deadline=dt.date(2031, 1, 1)
    )
    unit = make_unit(other, "t", "某镇", "town", ("territorial_town",))
    boss = make_user("o_hq", Role.HQ_STAFF, make_unit(other, "h", "另一指挥部", "headquarters"))
    services.task_create(actor=boss, title="另一项目的任务", lead_unit=unit, deadline=dt.date(2030, 1, 1))
    client.force_login(hq_staff)
    assert "另一项目的任务" not in client.get(reverse("supervision:tasks")).content.decode()
