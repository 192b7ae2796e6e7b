"""Build the default commitment-letter template (commitment_letter.docx).

Run from the repository root when the wording changes:
    .venv/bin/python relocation/enterprises/document_templates/build_commitment_letter.py
The .docx is committed next to this script; HQ may upload a replacement with
the same jinja tags (docxtpl): number, enterprise_name, credit_code,
legal_representative, address, committed_shutdown_on, committed_relocation_on,
destination, obligations (a list), programme_name, zone_name, date.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

OUT = Path(__file__).resolve().parent / "commitment_letter.docx"


def build(path: Path = OUT) -> Path:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("关停搬迁承诺书")
    run.bold = True
    run.font.size = Pt(20)
    number = doc.add_paragraph("{{ number }}")
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    doc.add_paragraph("{{ programme_name }}现场指挥部：")
    doc.add_paragraph(
        "本企业已知悉市委市政府关于{{ zone_name }}全面关停及重点污染企业分流搬迁的决定，"
        "现就本企业关停搬迁事项郑重承诺如下："
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
        cells[0].text = label
        cells[1].text = tag

    doc.add_paragraph("本企业承诺履行以下义务：")
    doc.add_paragraph("{%p for item in obligations %}")
    doc.add_paragraph("{{ loop.index }}. {{ item }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("本承诺书一式两份，企业与现场指挥部各执一份，自签署之日起生效。")
    doc.add_paragraph("")
    for line in ["承诺企业（盖章）：{{ enterprise_name }}", "法定代表人（签字）：", "日期：{{ date }}"]:
        p = doc.add_paragraph(line)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build())
