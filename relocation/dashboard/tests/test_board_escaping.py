"""Names typed by users reach the battle map's script data as data, never as markup."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from relocation.enterprises.lifecycle_models import Batch, RelocationPlan

HOSTILE = '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["dashboard:board", "dashboard:wall"])
def test_it_keeps_a_hostile_batch_name_inside_the_json_block(client, hq_staff, programme, make_enterprise, page):
    enterprise = make_enterprise(name=HOSTILE)
    batch = Batch.objects.create(programme=programme, name=HOSTILE, deadline=dt.date(2030, 3, 31), order=1)
    RelocationPlan.objects.create(enterprise=enterprise, batch=batch)
    client.force_login(hq_staff)
    html = client.get(reverse(page)).content.decode()
    assert "<script>window.pwned" not in html
    block = re.search(r'<script id="board-data" type="application/json">(.*?)</script>', html, re.S)
    data = json.loads(block.group(1))
    assert HOSTILE in [b["name"] for b in data["batches"]]


def test_every_tooltip_of_the_map_takes_a_text_node():
    """Leaflet renders a string tooltip as HTML; board.js must hand it text nodes."""
    from django.contrib.staticfiles import finders

    source = open(finders.find("dashboard/board.js"), encoding="utf-8").read()
    calls = re.findall(r"bindTooltip\(([^,)]*)", source)
    assert calls and all(c.startswith("text(") for c in calls), calls
