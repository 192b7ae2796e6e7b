"""Build the default commitment-letter template (commitment_letter.docx).

Run from the repository root when the wording changes:
    .venv/bin/python relocation/enterprises/document_templates/build_commitment_letter.py
The .docx is committed next to this script; HQ may upload a replacement with
the same jinja tags (docxtpl): number, enterprise_name, credit_code,
legal_representative, address, committed_shutdown_on, committed_relocation_on,
destination, obligations (a list), programme_name, zone_name, date.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from relocation.core import official_layout as L  # noqa: E402

OUT = Path(__file__).resolve().parent / "commitment_letter.docx"


def build(path: Path = OUT) -> Path:
    """The enterprise's letter to HQ in the GB/T 9704-2012 frame of
    core.official_layout (no authority's 版头: the enterprise signs it)."""
    doc = L.new_document()
    L.add(doc, "关停搬迁承诺书", "公文标题")
    L.add(doc, "{{ number }}", "公文落款")
    L.add(doc, "", "公文正文")
    L.add(doc, "{{ programme_name }}现场指挥部：", "公文主送")
    L.add(
        doc,
        "本企业已知悉市委市政府关于{{ zone_name }}全面关停及重点污染企业分流搬迁的决定，"
        "现就本企业关停搬迁事项郑重承诺如下：",
        "公文正文",
    )
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, tag in [
        ("企业名称", "{{ enterprise_name }}"),
        ("统一社会信用代码", "{{ credit_code }}"),
        ("法定代表人", "{{ legal_representative }}"),
        ("生产经营地址", "{{ address }}"),
        ("承诺关停日期", "{{ committed_shutdown_on }}"),
        ("承诺搬迁完成日期", "{{ committed_relocation_on }}"),
        ("搬迁去向", "{{ destination }}"),
    ]:
        cells = table.add_row().cells
        for cell, text in zip(cells, (label, tag), strict=True):
            cell.paragraphs[0].style = doc.styles["公文表格"]
            cell.paragraphs[0].add_run(text)

    L.add(doc, "本企业承诺履行以下义务：", "公文正文")
    L.add(doc, "{%p for item in obligations %}", "公文正文")
    L.add(doc, "{{ loop.index }}. {{ item }}", "公文正文")
    L.add(doc, "{%p endfor %}", "公文正文")
    L.add(doc, "本承诺书一式两份，企业与现场指挥部各执一份，自签署之日起生效。", "公文正文")
    L.add(doc, "", "公文正文")
    for line in ["承诺企业（盖章）：{{ enterprise_name }}", "法定代表人（签字）：", "日期：{{ date }}"]:
        L.add(doc, line, "公文落款")
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build())
