"""Builds official_document.docx, the Word frame of an official document in the
GB/T 9704-2012 layout (党政机关公文格式), for docxtpl.

Run it after changing the layout and commit both files:

    .venv/bin/python relocation/core/templates/core/official/build_official_docx.py

The frame holds the 版头 (issuing authority, red), 发文字号 with the red rule,
the title, 主送机关, the body — `paragraphs` from the context (a list of
strings), then an empty paragraph bookmarked "body" where
relocation/meetings/official.py lays in headings, tables and charts — the 落款 and
成文日期 with room for the seal, 附注, and the 版记 (抄送, 印发机关和印发日期).
Page numbers are “— n —” in 4号, outside: odd pages right, even pages left.

Fonts: the paragraph styles name the default free fonts (Noto Serif CJK SC for
仿宋/宋体, Noto Sans CJK SC for 黑体); the renderer swaps in the configured
DOCUMENT_FONT_SERIF / DOCUMENT_FONT_SANS.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
RED = RGBColor(0xD4, 0x00, 0x00)
LINE = Pt(28.95)  # 22 lines on the 225 mm type area
OUT = Path(__file__).with_name("official_document.docx")


def set_fonts(style_or_run, font: str) -> None:
    style_or_run.font.name = font
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def paragraph_style(doc, name: str, *, font: str, size: float, bold=False, color=None, align=None, indent_chars=0):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    set_fonts(style, font)
    style.font.size = Pt(size)
    style.font.bold = bold
    if color is not None:
        style.font.color.rgb = color
    fmt = style.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    if align is not None:
        fmt.alignment = align
    if indent_chars:
        # Indent in characters (w:firstLineChars) so it follows the font size.
        ind = OxmlElement("w:ind")
        ind.set(qn("w:firstLineChars"), str(indent_chars * 100))
        style.element.get_or_add_pPr().append(ind)
    return style


def border(paragraph, side: str, *, color: str, size_eighths: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size_eighths))
    edge.set(qn("w:space"), "1")
    edge.set(qn("w:color"), color)
    borders.append(edge)


def page_number(doc, footer, align) -> None:
    p = footer.paragraphs[0]
    p.alignment = align
    p.style = doc.styles["公文页码"]
    p.add_run("— ")
    run = p.add_run()
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    run._r.append(fld)
    p.add_run(" —")


def build() -> Path:
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28) - Mm(7)

    normal = doc.styles["Normal"]
    set_fonts(normal, SERIF)
    normal.font.size = Pt(16)

    paragraph_style(doc, "公文版头", font=SERIF, size=30, bold=True, color=RED, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(doc, "公文发文字号", font=SERIF, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    title = paragraph_style(doc, "公文标题", font=SERIF, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.line_spacing = Pt(35)
    paragraph_style(doc, "公文正文", font=SERIF, size=16, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=2)
    paragraph_style(doc, "公文一级标题", font=SANS, size=16, indent_chars=2)
    paragraph_style(doc, "公文二级标题", font=SERIF, size=16, bold=True, indent_chars=2)
    paragraph_style(doc, "公文主送", font=SERIF, size=16)
    signature = paragraph_style(doc, "公文落款", font=SERIF, size=16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.right_indent = Pt(16 * 4)
    paragraph_style(doc, "公文版记", font=SERIF, size=14)
    paragraph_style(
        doc, "公文表格", font=SERIF, size=12, align=WD_ALIGN_PARAGRAPH.CENTER
    ).paragraph_format.line_spacing = Pt(18)
    paragraph_style(doc, "公文页码", font=SERIF, size=14)

    # Remove the empty first paragraph python-docx starts with.
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)

    def para(text: str, style: str):
        p = doc.add_paragraph(style=style)
        if text:
            p.add_run(text)
        return p

    para("{{ authority }}", "公文版头")
    para("", "公文发文字号")
    number = para("{{ document_number }}", "公文发文字号")
    border(number, "bottom", color="D40000", size_eighths=12)  # the red rule under the number
    para("", "公文正文")
    para("{{ title }}", "公文标题")
    para("", "公文正文")
    para("{% if recipients %}{{ recipients }}：{% endif %}", "公文主送")
    # The body: plain paragraphs from the context (`paragraphs`, a list of strings) for
    # callers that need no more, then an empty paragraph bookmarked "body" where
    # relocation/meetings/official.py lays in headings, tables and charts.
    para("{%p for para in paragraphs %}", "公文正文")
    para("{{ para }}", "公文正文")
    para("{%p endfor %}", "公文正文")
    anchor = para("", "公文正文")
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), "0")
    start.set(qn("w:name"), "body")
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), "0")
    anchor._p.append(start)
    anchor._p.append(end)
    para("", "公文正文")
    para("", "公文正文")
    para("{{ signer }}", "公文落款")
    para("{{ date_text }}", "公文落款")
    para("{% if note %}（{{ note }}）{% endif %}", "公文正文")
    para("", "公文正文")
    copy_to = para("{% if copy_to %}抄送：{{ copy_to }}。{% endif %}", "公文版记")
    border(copy_to, "top", color="000000", size_eighths=8)
    border(copy_to, "bottom", color="000000", size_eighths=4)
    copy_to.paragraph_format.left_indent = Pt(14)
    printed = para("{{ printed_by }}\t{{ printed_on }}{% if printed_on %}印发{% endif %}", "公文版记")
    printed.paragraph_format.left_indent = Pt(14)
    printed.paragraph_format.tab_stops.add_tab_stop(Mm(156) - Pt(28), alignment=2)  # right-aligned tab
    border(printed, "bottom", color="000000", size_eighths=8)

    doc.settings.odd_and_even_pages_header_footer = True
    page_number(doc, section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    page_number(doc, section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    doc.save(OUT)
    return OUT


if __name__ == "__main__":
    print(build())
