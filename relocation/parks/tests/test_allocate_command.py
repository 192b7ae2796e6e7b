"""`manage.py allocate`: exactly the issue's JSON formats."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command


def _input():
    return {
        "parks": [
            {
                "id": "machong",
                "industries": ["electroplating"],
                "floor_area_m2": 3000,
                "capacity_t_per_day": {"cyanide": 0, "chromium": 10, "nickel": 42, "general": 100, "dyeing": 0},
                "lat": 23.05,
                "lon": 113.59,
            }
        ],
        "enterprises": [
            {
                "id": "e1",
                "industry": "electroplating",
                "floor_area_m2": 1000,
                "wastewater_t_per_day": {"nickel": 30},
                "preferred_parks": ["machong"],
                "workers": 80,
                "lat": 22.82,
                "lon": 113.69,
            },
            {
                "id": "e2",
                "industry": "electroplating",
                "floor_area_m2": 1000,
                "wastewater_t_per_day": {"nickel": 30},
                "preferred_parks": [],
                "workers": 20,
                "lat": 22.82,
                "lon": 113.69,
            },
        ],
    }


def test_it_reads_a_file_and_writes_the_exact_format(tmp_path):
    src, out = tmp_path / "in.json", tmp_path / "out.json"
    src.write_text(json.dumps(_input()), encoding="utf-8")
    call_command("allocate", "--input", str(src), "--output", str(out))
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result) == {"status", "objective", "assignments", "unplaced"}
    assert result["status"] == "optimal"
    assert result["assignments"] == [{"enterprise": "e1", "park": "machong"}]
    assert result["unplaced"] == [
        {"enterprise": "e2", "reason": "machong 镍废水处理能力剩余 12 t/d，需 30 t/d；再增加 18 t/d 即可安置"}
    ]
    assert result["objective"]["placed"] == 1


def test_it_refuses_a_malformed_file_with_a_clear_message(tmp_path):
    src = tmp_path / "in.json"
    data = _input()
    data["enterprises"][1]["workers"] = "many"
    src.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="企业 e2 的 workers"):
        call_command("allocate", "--input", str(src), "--output", str(tmp_path / "o.json"))
    src.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="不是有效的 JSON"):
        call_command("allocate", "--input", str(src), "--output", str(tmp_path / "o.json"))


@pytest.mark.django_db
def test_it_runs_on_the_database_without_writing(tmp_path, park, mover):
    from relocation.parks.models import Allocation, Proposal

    out = tmp_path / "out.json"
    call_command("allocate", "--dry-run", "--output", str(out))
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result) == {"status", "objective", "assignments", "unplaced"}
    assert result["assignments"] == [{"enterprise": str(mover.pk), "park": park.code}]
    assert not Allocation.objects.exists() and not Proposal.objects.exists()
