"""The national limits seeded as data (source: docs/reference/discharge_limits.md,
read from the standards' published texts). Concentrations in mg/L."""

from __future__ import annotations

WORKSHOP = "workshop"
FINAL = "final"

STANDARDS = [
    {
        "code": "GB 21900-2008",
        "title": "电镀污染物排放标准",
        "kind": "national",
        "notes": "表2：新建企业自2008-08-01、现有企业自2010-07-01执行；表3：水污染物特别排放限值。"
        "间接排放时总铬、六价铬、总镍、总镉、总银、总铅、总汞仍须在车间排放口达标。",
    },
    {
        "code": "GB 4287-2012",
        "title": "纺织染整工业水污染物排放标准（含2015年修改单）",
        "kind": "national",
        "notes": "修改单（2015-03-27）：排入城镇污水处理厂的须执行直接排放限值；表1、表2间接排放COD 500/200、"
        "BOD5 150/50（园区集中预处理/其他）；增加总锑0.10 mg/L。蜡染企业氨氮、总氮的括号内限值请以许可限值录入。",
    },
    {
        "code": "DB44/1597-2015",
        "title": "电镀水污染物排放标准（广东省地方标准）",
        "kind": "local",
        "notes": "地方标准，限值未录入：请由指挥部按标准文本补录后在监控点上选用。",
    },
]

# (pollutant, code, table 2, table 3, location)
GB21900 = [
    ("总铬", "w20116", 1.0, 0.5, WORKSHOP),
    ("六价铬", "w20117", 0.2, 0.1, WORKSHOP),
    ("总镍", "w20121", 0.5, 0.1, WORKSHOP),
    ("总镉", "w20115", 0.05, 0.01, WORKSHOP),
    ("总银", "w20126", 0.3, 0.1, WORKSHOP),
    ("总铅", "w20120", 0.2, 0.1, WORKSHOP),
    ("总汞", "w20111", 0.01, 0.005, WORKSHOP),
    ("总铜", "w20122", 0.5, 0.3, FINAL),
    ("总锌", "w20123", 1.5, 1.0, FINAL),
    ("总铁", "w20125", 3.0, 2.0, FINAL),
    ("总铝", "", 3.0, 2.0, FINAL),
    ("悬浮物", "w01012", 50, 30, FINAL),
    ("化学需氧量", "w01018", 80, 50, FINAL),
    ("氨氮", "w21003", 15, 8, FINAL),
    ("总氮", "w21001", 20, 15, FINAL),
    ("总磷", "w21011", 1.0, 0.5, FINAL),
    ("石油类", "w22001", 3.0, 2.0, FINAL),
    ("氟化物", "w21017", 10, 10, FINAL),
    ("总氰化物", "w21016", 0.3, 0.2, FINAL),
]

ND = "ND"  # 不得检出
# (pollutant, code, {(table, mode): value}, unit, location, detection limit, note)
# mode "" = the same for direct and indirect discharge.
GB4287 = [
    (
        "化学需氧量",
        "w01018",
        {
            ("2", "direct"): 80,
            ("2", "indirect_park"): 500,
            ("2", "indirect"): 200,
            ("3", "direct"): 60,
            ("3", "indirect_park"): 80,
            ("3", "indirect"): 80,
        },
        "mg/L",
        FINAL,
        None,
        "",
    ),
    (
        "五日生化需氧量",
        "w01017",
        {
            ("2", "direct"): 20,
            ("2", "indirect_park"): 150,
            ("2", "indirect"): 50,
            ("3", "direct"): 15,
            ("3", "indirect_park"): 20,
            ("3", "indirect"): 20,
        },
        "mg/L",
        FINAL,
        None,
        "",
    ),
    (
        "悬浮物",
        "w01012",
        {
            ("2", "direct"): 50,
            ("2", "indirect"): 100,
            ("2", "indirect_park"): 100,
            ("3", "direct"): 20,
            ("3", "indirect"): 50,
            ("3", "indirect_park"): 50,
        },
        "mg/L",
        FINAL,
        None,
        "",
    ),
    (
        "色度",
        "w01002",
        {
            ("2", "direct"): 50,
            ("2", "indirect"): 80,
            ("2", "indirect_park"): 80,
            ("3", "direct"): 30,
            ("3", "indirect"): 50,
            ("3", "indirect_park"): 50,
        },
        "倍",
        FINAL,
        None,
        "稀释倍数；在线仪表以[色]度报送时单位不同，不作自动比对",
    ),
    (
        "氨氮",
        "w21003",
        {
            ("2", "direct"): 10,
            ("2", "indirect"): 20,
            ("2", "indirect_park"): 20,
            ("3", "direct"): 8,
            ("3", "indirect"): 10,
            ("3", "indirect_park"): 10,
        },
        "mg/L",
        FINAL,
        None,
        "",
    ),
    (
        "总氮",
        "w21001",
        {
            ("2", "direct"): 15,
            ("2", "indirect"): 30,
            ("2", "indirect_park"): 30,
            ("3", "direct"): 12,
            ("3", "indirect"): 15,
            ("3", "indirect_park"): 15,
        },
        "mg/L",
        FINAL,
        None,
        "",
    ),
    (
        "总磷",
        "w21011",
        {
            ("2", "direct"): 0.5,
            ("2", "indirect"): 1.5,
            ("2", "indirect_park"): 1.5,
            ("3", "direct"): 0.5,
            ("3", "indirect"): 0.5,
            ("3", "indirect_park"): 0.5,
        },
        "mg/L",
        FINAL,
        None,
        "",
    ),
    ("二氧化氯", "", {("2", ""): 0.5, ("3", ""): 0.5}, "mg/L", FINAL, None, ""),
    ("可吸附有机卤素", "", {("2", ""): 12, ("3", ""): 8}, "mg/L", FINAL, None, ""),
    ("硫化物", "w21019", {("2", ""): 0.5, ("3", ""): ND}, "mg/L", FINAL, None, "表3不得检出（HJ/T 60 碘量法）"),
    ("苯胺类", "", {("2", ""): ND, ("3", ""): ND}, "mg/L", FINAL, None, "不得检出（GB/T 11889）"),
    (
        "六价铬",
        "w20117",
        {("2", ""): ND, ("3", ""): ND},
        "mg/L",
        WORKSHOP,
        0.004,
        "不得检出（GB/T 7467，最低检出浓度0.004 mg/L）",
    ),
    ("总锑", "", {("2", ""): 0.10, ("3", ""): 0.10}, "mg/L", FINAL, None, "2015年修改单增加"),
]


def rows() -> list[dict]:
    """Every limit row as field values (standard given by its code)."""
    out: list[dict] = []
    for name, code, t2, t3, location in GB21900:
        for table, value in (("2", t2), ("3", t3)):
            out.append(
                {
                    "standard": "GB 21900-2008",
                    "table": table,
                    "mode": "",
                    "pollutant_code": code,
                    "pollutant_name": name,
                    "max_value": value,
                    "unit": "mg/L",
                    "location": location,
                    "note": "" if code else "HJ 212-2017 无编码，需配置扩展编码",
                }
            )
    for table in ("2", "3"):
        out.append(
            {
                "standard": "GB 21900-2008",
                "table": table,
                "mode": "",
                "pollutant_code": "w01001",
                "pollutant_name": "pH值",
                "min_value": 6,
                "max_value": 9,
                "unit": "无量纲",
                "location": FINAL,
                "note": "",
            }
        )
        out.append(
            {
                "standard": "GB 4287-2012",
                "table": table,
                "mode": "",
                "pollutant_code": "w01001",
                "pollutant_name": "pH值",
                "min_value": 6,
                "max_value": 9,
                "unit": "无量纲",
                "location": FINAL,
                "note": "",
            }
        )
    for name, code, values, unit, location, detection, note in GB4287:
        for (table, mode), value in values.items():
            row = {
                "standard": "GB 4287-2012",
                "table": table,
                "mode": mode,
                "pollutant_code": code,
                "pollutant_name": name,
                "unit": unit,
                "location": location,
                "note": note,
            }
            if value == ND:
                row["not_detectable"] = True
                row["detection_limit"] = detection
            else:
                row["max_value"] = value
            out.append(row)
    return out


def load(standard_model, limit_model) -> None:
    """Create the standards and rows that are missing (migration and tests)."""
    by_code = {}
    for spec in STANDARDS:
        by_code[spec["code"]], _ = standard_model.objects.get_or_create(code=spec["code"], defaults=spec)
    for row in rows():
        values = dict(row)
        standard = by_code[values.pop("standard")]
        limit_model.objects.get_or_create(
            standard=standard,
            table=values.pop("table"),
            mode=values.pop("mode"),
            pollutant_name=values.pop("pollutant_name"),
            defaults=values,
        )
