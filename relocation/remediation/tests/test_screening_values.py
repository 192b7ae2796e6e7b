"""GB 36600-2018 as data: all 85 items of Tables 1 and 2, both land classes,
and the spellings a laboratory uses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from relocation.remediation.models import ScreeningValue
from relocation.remediation.screening_values import normalise

pytestmark = pytest.mark.django_db


def test_it_holds_all_85_items_of_both_tables(values):
    assert len(values) == 85
    assert ScreeningValue.objects.filter(table=1).count() == 45
    assert ScreeningValue.objects.filter(table=2).count() == 40
    assert sorted(ScreeningValue.objects.filter(table=2).values_list("number", flat=True)) == list(range(1, 41))


@pytest.mark.parametrize(
    ("code", "limits"),
    [
        ("pb", ("400", "800", "800", "2500")),
        ("cr6", ("3.0", "5.7", "30", "78")),
        ("aniline", ("92", "260", "211", "663")),
        ("bap", ("0.55", "1.5", "5.5", "15")),
        ("tph", ("826", "4500", "5000", "9000")),
        ("tca111", ("701", "840", "840", "840")),
        ("dioxins", ("0.00001", "0.00004", "0.0001", "0.0004")),
    ],
)
def test_the_values_match_the_standard(values, code, limits):
    v = values[code]
    assert (v.screening_first, v.screening_second, v.intervention_first, v.intervention_second) == tuple(
        Decimal(x) for x in limits
    )
    assert v.limits("second") == (Decimal(limits[1]), Decimal(limits[3]))


def test_each_item_has_a_chinese_and_an_english_name(values):
    assert all(v.name and v.name_en for v in values.values())
    assert values["aniline"].cas == "62-53-3" and values["bap"].cas == "50-32-8"


def test_a_laboratory_spelling_is_matched_whatever_its_brackets():
    assert normalise("石油烃（C10～C40）") == normalise("石油烃(C10-C40)")
    assert normalise("苯并［a］芘") == normalise("苯并(a)芘") == normalise("苯并[a]芘")
    assert normalise(" Cr(VI) ") == normalise("cr（vi）")


def test_the_page_lists_every_item(client, hq_staff, values):
    from django.urls import reverse

    client.force_login(hq_staff)
    body = client.get(reverse("remediation:screening_values")).content.decode()
    assert "石油烃（C10-C40）" in body and "苯并[a]芘" in body and "Aniline" in body


def test_the_api_lists_every_item(client, hq_staff, values):
    client.force_login(hq_staff)
    assert client.get("/api/remediation/screening-values/").json()["count"] == 85
    tph = client.get("/api/remediation/screening-values/tph/").json()
    assert (tph["table"], tph["number"], tph["intervention_second"]) == (2, 40, "9000.000000")
    assert "TPH" in tph["synonyms"]
