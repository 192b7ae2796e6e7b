"""Each programme's portal numbers its reports with the programme's own prefix
(declared in its programme file), sequentially per programme and year, and a
report lands only in the programme whose portal took it. Both demo programmes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from relocation.organisation import programme_check
from relocation.organisation.services import programme_load
from relocation.portal import services, tracking
from relocation.portal.models import Inquiry

PROGRAMMES = Path(__file__).resolve().parents[2] / "organisation" / "programmes"

pytestmark = pytest.mark.django_db


def _config(name: str) -> dict:
    return json.loads((PROGRAMMES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def both():
    return programme_load(actor=None, config=_config("humen_zone_b")), programme_load(
        actor=None, config=_config("jianghai_lingang")
    )


def _report(programme, n: int):
    return services.inquiry_submit_public(
        kind="pollution", subject="河涌发黑", text="排污口有黑水。", ip=f"198.51.100.{n}", programme=programme
    )[0]


def test_each_programme_numbers_its_reports_with_its_own_prefix_in_its_own_sequence(both):
    zone_b, lingang = both
    assert (zone_b.tracking_prefix, lingang.tracking_prefix) == ("HMB", "JHLG")
    year = timezone.localdate().year
    first_b, first_l, second_b = _report(zone_b, 1), _report(lingang, 2), _report(zone_b, 3)
    assert first_b.number == f"HMB-GZ-{year}-000001"
    assert second_b.number == f"HMB-GZ-{year}-000002"
    # The other programme's report did not take a number from Zone B's sequence.
    assert first_l.number == f"JHLG-GZ-{year}-000001"
    assert (first_b.programme, first_l.programme, second_b.programme) == (zone_b, lingang, zone_b)
    assert set(Inquiry.objects.filter(programme=lingang)) == {first_l}


def test_the_programmes_public_address_files_the_report_there(client, both):
    _zone_b, lingang = both
    response = client.post(
        reverse("portal:public:home_for", args=[lingang.code]),
        {"kind": "policy", "subject": "搬迁补助", "text": "请问搬迁补助如何申请？"},
        REMOTE_ADDR="198.51.100.20",
    )
    assert response.status_code == 200
    inquiry = Inquiry.objects.get()
    assert inquiry.programme == lingang and inquiry.number.startswith("JHLG-GZ-")
    assert inquiry.number in response.content.decode()
    # The lookup form on that page shows a number as that programme writes them.
    page = client.get(reverse("portal:public:home_for", args=[lingang.code])).content.decode()
    assert "JHLG-GZ-" in page and "HMB-GZ-" not in page


def test_the_public_api_takes_the_programme_code_and_refuses_an_unknown_one(both):
    zone_b, lingang = both
    api = APIClient()
    body = {"kind": "complaint", "subject": "噪声", "text": "夜间施工噪声大。"}
    made = api.post("/api/portal/public/inquiries/", {**body, "programme": lingang.code}, format="json")
    assert made.status_code == 201 and made.data["number"].startswith("JHLG-GZ-")
    assert Inquiry.objects.get(number=made.data["number"]).programme == lingang
    unknown = api.post("/api/portal/public/inquiries/", {**body, "programme": "no-such-zone"}, format="json")
    assert unknown.status_code == 400 and "programme" in unknown.data
    assert Inquiry.objects.count() == 1
    # Without a code: the installation's default programme (Zone B here, loaded first).
    default = api.post("/api/portal/public/inquiries/", body, format="json")
    assert default.status_code == 201 and default.data["number"].startswith("HMB-GZ-")
    assert Inquiry.objects.get(number=default.data["number"]).programme == zone_b


def test_a_number_is_looked_up_with_its_code_whichever_programme_it_belongs_to(both):
    from relocation.portal import selectors

    zone_b, lingang = both
    inquiry, code = services.inquiry_submit_public(
        kind="policy", subject="补助", text="补助标准？", ip="198.51.100.30", programme=lingang
    )
    assert selectors.public_lookup(number=inquiry.number, code=code, ip="198.51.100.31") == inquiry
    # The same serial under the other programme's prefix is another (absent) item.
    twin = inquiry.number.replace("JHLG", "HMB")
    assert selectors.public_lookup(number=twin, code=code, ip="198.51.100.31") is None


def test_two_programmes_cannot_share_a_prefix():
    programme_load(actor=None, config=_config("humen_zone_b"))
    config = _config("jianghai_lingang")
    config["tracking_prefix"] = "HMB"
    found = [str(p) for p in programme_check.problems(config)]
    assert any("HMB" in p and "tracking_prefix" in p for p in found)
    # Reloading Zone B's own file keeps its prefix: no problem with itself.
    assert programme_check.problems(_config("humen_zone_b")) == []


def test_a_programme_without_a_declared_prefix_still_numbers_on_its_own(programme):
    assert programme.tracking_prefix == ""
    assert tracking.programme_prefix(programme) == f"P{programme.pk}"
    inquiry = _report(programme, 40)
    assert inquiry.number.startswith(f"P{programme.pk}-GZ-")
