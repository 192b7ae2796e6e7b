"""Build the default Word templates (docxtpl) of the supervision notice and the
inspection report in the GB/T 9704-2012 layout. Run once after changing:

    .venv/bin/python -m relocation.supervision.docx.build_templates

HQ can upload its own template in place of these (core DocumentTemplate).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
SERIF = "Noto Serif CJK SC"  # free CJK default; the body font in GB/T 9704 is 仿宋, titles 小标宋
RED = RGBColor(0xE6, 0x00, 0x12)


def _run(paragraph, text: str, *, size: float, bold: bool = False, color: RGBColor | None = None, font: str = SERIF):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = font
    run._element.rPr.rFonts.set(qn("w:eastAsia"), font)
    if color is not None:
        run.font.color.rgb = color
    return run


def _para(doc, *, align=WD_ALIGN_PARAGRAPH.LEFT, first_line_chars: bool = False):
    p = doc.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(28.95)  # 22 lines per page on a 225 mm type area
    if first_line_chars:
        fmt.first_line_indent = Pt(32)  # two characters of 3号 (16 pt)
    return p


def _red_rule(paragraph) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in {"w:val": "single", "w:sz": "12", "w:space": "4", "w:color": "E60012"}.items():
        bottom.set(qn(k), v)
    border.append(bottom)
    p_pr.append(border)


def _document():
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    return doc


def _header(doc, number_tag: str) -> None:
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.line_spacing = Pt(60)
    _run(p, "{{ issuer }}", size=36, bold=True, color=RED)
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.space_before = Pt(16)
    _run(p, number_tag, size=16)
    _red_rule(p)
    _para(doc)


def build_notice() -> None:
    doc = _document()
    _header(doc, "{{ number }}")
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(p, "督 办 单", size=22, bold=True)
    _para(doc)
    p = _para(doc)
    _run(p, "{{ unit_name }}：", size=16)
    for text in [
        "{{ task_title }}（交办日期：{{ assigned_on }}，完成时限：{{ deadline }}）已逾期 {{ overdue_workdays }} 个工作日，目前状态为“{{ status }}”。",
        "{{ description }}",
        "请你单位高度重视，于 {{ reply_by }} 前办结并书面报告办理情况。逾期未办结的，将报总指挥并提请搬迁协调工作小组通报。",
    ]:
        p = _para(doc, first_line_chars=True)
        _run(p, text, size=16)
    _para(doc)
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _run(p, "{{ issuer }}", size=16)
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _run(p, "{{ issued_on }}", size=16)
    p = _para(doc)
    p.paragraph_format.space_before = Pt(32)
    _run(p, "（联系人：{{ contact }}）", size=14)
    doc.save(HERE / "supervision_notice.docx")


def build_inspection_report() -> None:
    doc = _document()
    _header(doc, "{{ number }}")
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(p, "关于{{ title }}情况的报告", size=22, bold=True)
    _para(doc)
    p = _para(doc)
    _run(p, "搬迁协调工作小组：", size=16)
    p = _para(doc, first_line_chars=True)
    _run(
        p,
        "根据督办通报机制，现场指挥部于{{ year }}年第{{ quarter }}季度开展了专题督查。督查范围：{{ scope }}。现将有关情况报告如下。",
        size=16,
    )
    # One paragraph per finding: docxtpl's paragraph-level loop.
    _run(_para(doc), "{%p for f in findings %}", size=16)
    p = _para(doc, first_line_chars=True)
    _run(
        p, "{{ loop.index }}. {{ f.unit }}：{{ f.description }}整改要求：{{ f.rectification }}（{{ f.task }}）", size=16
    )
    _run(_para(doc), "{%p endfor %}", size=16)
    p = _para(doc, first_line_chars=True)
    _run(
        p,
        "本季度任务总体情况：共督办任务 {{ stats.total }} 项，按时办结率 {{ stats.rate }}，逾期未办结 {{ stats.overdue }} 项。",
        size=16,
    )
    _para(doc)
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _run(p, "{{ issuer }}", size=16)
    p = _para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _run(p, "{{ issued_on }}", size=16)
    doc.save(HERE / "inspection_report.docx")


if __name__ == "__main__":
    build_notice()
    build_inspection_report()
