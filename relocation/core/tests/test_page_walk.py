"""No dead end: every demo role signs in and walks the pages reachable from the
home page (the navigation, then one level further, forms' GET pages included);
none answers 5xx. The demo is seeded once for this module, inside a transaction
that is rolled back afterwards, so no other test sees it."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from relocation.core.page_walk import links, shape, walk
from relocation.core.tests.personas import verified_login

# The demo's "today" (make demo): the programme's current and next monthly meetings exist.
DEMO_TODAY = dt.datetime(2022, 5, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


class _Rollback(Exception):
    pass


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), time_machine.travel(DEMO_TODAY, tick=True):
        try:
            with transaction.atomic():
                call_command("seed_demo", stdout=io.StringIO())
                yield
                raise _Rollback
        except _Rollback:
            pass


def test_shapes_collapse_ids_and_filter_values():
    assert shape("/meetings/4/") == shape("/meetings/5/") == "/meetings/N/"
    assert shape("/x/?status=a&page=2") == shape("/x/?page=3&status=b")
    html = '<a href="/a/">a</a><a class="x" href="/files/3/">f</a><a href="https://e.org/">e</a><a href="#top">t</a>'
    assert links(html) == ["/a/"]


@pytest.mark.demo
@pytest.mark.django_db
def test_every_demo_role_walks_every_reachable_page_without_a_server_error(demo):
    from relocation.organisation.models import User

    people: dict[str, User] = {}
    for user in User.objects.filter(is_active=True).order_by("pk"):
        people.setdefault(user.role, user)
    assert len(people) >= 8
    failures, visited, shapes = [], 0, set()
    with time_machine.travel(DEMO_TODAY, tick=True):
        for role, user in people.items():
            client = Client(raise_request_exception=False)
            verified_login(client, user)
            for visit in walk(client, shapes=shapes):
                visited += 1
                if visit.status >= 500:
                    failures.append(f"{role}: {visit.url} (linked from {visit.found_on or 'login'}) → {visit.status}")
    assert failures == []
    assert visited > 100
