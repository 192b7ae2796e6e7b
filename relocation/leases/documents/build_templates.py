"""Build the default Word template of the termination notice (docxtpl
placeholders such as {{ enterprise }}). Run once after editing this script:

    .venv/bin/python relocation/leases/documents/build_templates.py

The layout (GB/T 9704-2012) comes from relocation/core/official_layout.py.
HQ may upload its own version (core DocumentTemplate, code
"leases.termination_notice"); this file is only the default."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from relocation.core import official_layout as L  # noqa: E402

HERE = Path(__file__).resolve().parent

TITLE = "终止租赁（到期停租）通知书"
PARAGRAPHS = [
    "{{ enterprise }}（统一社会信用代码：{{ credit_code }}）：",
    "你单位承租{{ landlord }}位于{{ address }}的物业（租约编号：{{ lease_number }}，租赁面积{{ area }}平方米，"
    "租期自{{ starts_on }}至{{ ends_on }}）。{{ reason }}",
    "根据关停搬迁工作安排，现通知你单位：上述租赁关系于{{ vacate_by }}终止。请你单位于该日前腾空物业、"
    "清走生产设备设施，交回全部钥匙，并配合社区办理清租退场核查。",
    "你单位交付的押金{{ deposit }}元，将于{{ refund_due_on }}前按租赁约定结算退还；如有欠缴租金、水电费或"
    "损坏物业须扣减的，将书面说明扣减理由。",
    "如有异议，请于收到本通知之日起五日内向{{ unit }}书面提出。",
]


def build() -> Path:
    doc = L.new_document()
    L.letterhead(doc, "{{ unit }}", "{{ number }}")
    L.add(doc, TITLE, "公文标题")
    L.add(doc, "", "公文正文")
    addressee, *body = PARAGRAPHS
    L.add(doc, addressee, "公文主送")
    for text in body:
        L.add(doc, text, "公文正文")
    L.signature(doc, "{{ unit }}", "{{ date }}")
    path = HERE / "termination_notice.docx"
    doc.save(str(path))
    return path


if __name__ == "__main__":
    print(build())
