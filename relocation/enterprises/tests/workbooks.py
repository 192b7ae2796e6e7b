"""Building small .xlsx files for the import tests."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from relocation.conftest import valid_credit_code
from relocation.enterprises.ledger_columns import HEADERS


def row(n: int, **overrides: Any) -> dict[str, Any]:
    values = {
        "企业名称": f"东莞市导入{n}号电镀有限公司",
        "统一社会信用代码": valid_credit_code(500 + n),
        "法定代表人": "陈志明",
        "联系人": "李丽娟",
        "联系电话": "13800001111",
        "地址": "东莞市虎门镇电镀印染专业基地B区1路8号",
        "行业类别": "电镀",
        "主要工艺": "镀锌、镀镍",
        "资本背景": "港资",
        "是否重点污染企业": "是",
        "从业人数": 80,
        "厂房面积(平方米)": 1500,
        "废水排放量(吨/日)": 35.5,
        "排污许可证编号": "91441900ABC001P",
        "许可证有效期至": "2023-06-30",
        "物业性质": "村小组",
        "租约到期日": "2022/6/30",
        "经度": 113.69,
        "纬度": 22.82,
    }
    values.update(overrides)
    return values


def workbook(rows: list[dict[str, Any]], headers: list[str] | None = None) -> bytes:
    headers = headers or list(HEADERS)
    wb = Workbook()
    ws = wb.active
    ws.title = "企业台账"
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
