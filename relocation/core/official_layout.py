"""GB/T 9704-2012 (党政机关公文格式) in numbers, and the Word pieces built
from them, shared by every official document's template (the generic frame,
督办单, enforcement notices and decisions, commitment letters).

Every rule a test measures lives here once: A4 with a 156 mm × 225 mm text
area (top 37 mm, left 28 mm), 22 lines of 28 characters in 3号 (16 pt), the
official typefaces per element, the page number 7 mm below the text area, the
issuing-authority mark 35 mm below its top, and the 版记 at the foot of the
last page. The Word file names the official typefaces (what an office PC has);
the PDF uses the free faces in settings (see docs/decisions/official-documents.md).
"""

from __future__ import annotations

import math
from typing import Any

# Page and text area (版心), in millimetres.
PAGE_W, PAGE_H = 210, 297
TOP, BOTTOM, LEFT, RIGHT = 37, 35, 28, 26
TEXT_W, TEXT_H = PAGE_W - LEFT - RIGHT, PAGE_H - TOP - BOTTOM  # 156 × 225
LINES, CHARS = 22, 28
MM_PT = 72 / 25.4
LINE_PT = 28.95  # 22 lines on 225 mm (637.8 pt), rounded down to a whole twip (579)
BODY_PT = 16.0  # 3号
TITLE_PT = 22.0  # 2号
NOTE_PT = 14.0  # 4号: 版记, page numbers
PAGE_NUMBER_GAP_MM = 7  # 一字线上距版心下边缘 7 mm
AUTHORITY_GAP_MM = 35  # 发文机关标志上边缘至版心上边缘 35 mm

# The official typefaces per element, as an office PC names them.
FONTS = {
    "body": "仿宋_GB2312",
    "title": "方正小标宋简体",
    "authority": "方正小标宋简体",
    "heading1": "黑体",
    "heading2": "楷体_GB2312",
    "page_number": "宋体",
}
RED = "D40000"


def char_space() -> int:
    """w:docGrid/@w:charSpace for 28 characters a line: Word's character
    pitch is the Normal size plus charSpace/4096 pt."""
    pitch = TEXT_W * MM_PT / CHARS
    return round((pitch - BODY_PT) * 4096)


def line_pitch_twips() -> int:
    return round(LINE_PT * 20)


def title_chars() -> int:
    """Characters of 2号 on one line of the text area."""
    return int(TEXT_W * MM_PT // TITLE_PT)


def official_date(day: Any) -> str:
    """成文日期 as GB/T 9704-2012 7.3.5.3 writes it: Arabic numerals, year, month and
    day in full, no leading zeros ("2022年5月16日")."""
    return f"{day.year}年{day.month}月{day.day}日"


# A line may not start with these, nor end with an opening bracket.
NO_LINE_START = set("，。、；：？！）》〕」』”’")
NO_LINE_END = set("（《〔「『“‘")


def width(text: str) -> float:
    """Width in characters of the grid: digits and Latin letters are half-width."""
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in text)


def title_lines(title: str, per_line: int | None = None) -> list[str]:
    """The title cut into balanced lines (GB/T 9704 7.3.1: 排列对称，长短
    适宜, a trapezoid): as few lines as fit, of nearly equal length, longer
    first, never a line of one character, never a line starting with closing
    punctuation."""
    per_line = per_line or title_chars()
    title = title.strip()
    if width(title) <= per_line:
        return [title] if title else []
    count = math.ceil(width(title) / per_line)
    lines: list[str] = []
    rest = title
    while count > 1:
        share = width(rest) / count
        size = next((i for i in range(1, len(rest) + 1) if width(rest[:i]) >= share), len(rest))
        # Nudge the break off punctuation, staying within the line's width.
        for cut in (size, size + 1, size - 1, size + 2, size - 2):
            if 1 < cut < len(rest) - 1 and width(rest[:cut]) <= per_line:
                if rest[cut] not in NO_LINE_START and rest[cut - 1] not in NO_LINE_END:
                    size = cut
                    break
        lines.append(rest[:size])
        rest = rest[size:]
        count -= 1
    lines.append(rest)
    return lines


# ----------------------------------------------------------------------------- Word (python-docx)


def _qn(name: str) -> str:
    from docx.oxml.ns import qn

    return qn(name)


def set_fonts(style_or_run: Any, face: str) -> None:
    """Name the face for every script (ascii, hAnsi, eastAsia, cs): Word picks
    eastAsia for Chinese characters, the others for digits and Latin."""
    from docx.oxml import OxmlElement

    style_or_run.font.name = face
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(_qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(_qn(attr), face)
    for hint in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(_qn(hint), None)


def setup_page(doc: Any) -> None:
    """A4, the 版心, the document grid (22 × 28) and the page-number footer distance."""
    from docx.oxml import OxmlElement
    from docx.shared import Mm, Pt

    for section in doc.sections:
        section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
        section.top_margin, section.bottom_margin = Mm(TOP), Mm(BOTTOM)
        section.left_margin, section.right_margin = Mm(LEFT), Mm(RIGHT)
        # The footer's one line (NOTE_PT, exact) ends here, so its top sits 7 mm below the text area.
        section.footer_distance = Mm(BOTTOM - PAGE_NUMBER_GAP_MM) - Pt(NOTE_PT)
        sect_pr = section._sectPr
        grid = sect_pr.find(_qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect_pr.append(grid)
        grid.set(_qn("w:type"), "linesAndChars")
        grid.set(_qn("w:linePitch"), str(line_pitch_twips()))
        grid.set(_qn("w:charSpace"), str(char_space()))
    normal = doc.styles["Normal"]
    set_fonts(normal, FONTS["body"])
    normal.font.size = Pt(BODY_PT)


def paragraph_style(
    doc: Any, name: str, *, face: str, size: float, bold=False, color: str | None = None, align=None, indent_chars=0
):
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.shared import Pt, RGBColor

    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    set_fonts(style, face)
    style.font.size = Pt(size)
    style.font.bold = bold
    if color is not None:
        style.font.color.rgb = RGBColor.from_string(color)
    fmt = style.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    if align is not None:
        fmt.alignment = align
    if indent_chars:
        # In characters (w:firstLineChars) so the indent follows the grid.
        ind = OxmlElement("w:ind")
        ind.set(_qn("w:firstLineChars"), str(indent_chars * 100))
        style.element.get_or_add_pPr().append(ind)
    return style


def add_styles(doc: Any) -> None:
    """The paragraph styles every official document uses, by element."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH as A
    from docx.shared import Mm, Pt

    mark = paragraph_style(doc, "公文版头", face=FONTS["authority"], size=30, color=RED, align=A.CENTER)
    mark.paragraph_format.space_before = Mm(AUTHORITY_GAP_MM)
    mark.paragraph_format.line_spacing = Pt(30)  # the line is the glyphs: its top is the mark's top
    paragraph_style(doc, "公文发文字号", face=FONTS["body"], size=BODY_PT, align=A.CENTER)
    paragraph_style(
        doc, "公文标题", face=FONTS["title"], size=TITLE_PT, align=A.CENTER
    ).paragraph_format.line_spacing = Pt(35)
    paragraph_style(doc, "公文正文", face=FONTS["body"], size=BODY_PT, align=A.JUSTIFY, indent_chars=2)
    paragraph_style(doc, "公文一级标题", face=FONTS["heading1"], size=BODY_PT, indent_chars=2)
    paragraph_style(doc, "公文二级标题", face=FONTS["heading2"], size=BODY_PT, indent_chars=2)
    paragraph_style(doc, "公文主送", face=FONTS["body"], size=BODY_PT)
    signature = paragraph_style(doc, "公文落款", face=FONTS["body"], size=BODY_PT, align=A.RIGHT)
    signature.paragraph_format.right_indent = Pt(BODY_PT * 4)  # 右空四字
    paragraph_style(doc, "公文附件标识", face=FONTS["heading1"], size=BODY_PT)
    colophon = paragraph_style(doc, "公文版记", face=FONTS["body"], size=NOTE_PT)
    colophon.paragraph_format.left_indent = Pt(NOTE_PT)  # 左空一字
    colophon.paragraph_format.right_indent = Pt(NOTE_PT)  # 右空一字
    table = paragraph_style(doc, "公文表格", face=FONTS["body"], size=12, align=A.CENTER)
    table.paragraph_format.line_spacing = Pt(18)
    number = paragraph_style(doc, "公文页码", face=FONTS["page_number"], size=NOTE_PT)
    number.paragraph_format.line_spacing = Pt(NOTE_PT)


def border(paragraph: Any, side: str, *, color: str, size_eighths: int, space: int = 1) -> None:
    from docx.oxml import OxmlElement

    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(_qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    edge = OxmlElement(f"w:{side}")
    edge.set(_qn("w:val"), "single")
    edge.set(_qn("w:sz"), str(size_eighths))
    edge.set(_qn("w:space"), str(space))
    edge.set(_qn("w:color"), color)
    borders.append(edge)


def at_page_foot(paragraph: Any) -> None:
    """Put the paragraph in a frame anchored to the foot of the text area
    (版记: its last rule on the last page's bottom edge). Consecutive
    paragraphs with the same frame properties share one frame."""
    from docx.oxml import OxmlElement

    ppr = paragraph._p.get_or_add_pPr()
    frame = OxmlElement("w:framePr")
    frame.set(_qn("w:w"), str(round(TEXT_W * MM_PT * 20)))
    frame.set(_qn("w:wrap"), "notBeside")
    frame.set(_qn("w:hAnchor"), "margin")
    frame.set(_qn("w:vAnchor"), "margin")
    frame.set(_qn("w:xAlign"), "center")
    frame.set(_qn("w:yAlign"), "bottom")
    # framePr comes right after pStyle/keepNext…; before borders and spacing.
    style = ppr.find(_qn("w:pStyle"))
    if style is not None:
        style.addnext(frame)
    else:
        ppr.insert(0, frame)


def page_numbers(doc: Any) -> None:
    """ "— n —" in 4号 宋体, 7 mm below the text area: odd pages right, even
    pages left, one character in from the edge."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        p = footer.paragraphs[0]
        p.style = doc.styles["公文页码"]
        p.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = Pt(NOTE_PT)
        else:
            p.paragraph_format.left_indent = Pt(NOTE_PT)
        p.add_run("— ")
        run = p.add_run()
        field = OxmlElement("w:fldSimple")
        field.set(_qn("w:instr"), "PAGE")
        run._r.append(field)
        p.add_run(" —")


def break_title(document: Any) -> None:
    """Re-cut the text of each 公文标题 paragraph into balanced lines (line
    breaks in one paragraph), after the template was filled."""
    from docx.oxml import OxmlElement

    ids = {s.style_id for s in document.styles if s.name == "公文标题"}
    for p in document.paragraphs:
        if p._p.style not in ids:
            continue
        text = "".join(line for line in p.text.splitlines())
        lines = title_lines(text)
        if len(lines) < 2:
            continue
        runs = p.runs
        for run in runs[1:]:
            run._r.getparent().remove(run._r)
        first = runs[0]
        first.text = lines[0]
        for line in lines[1:]:
            first._r.append(OxmlElement("w:br"))
            t = OxmlElement("w:t")
            t.text = line
            first._r.append(t)


# ----------------------------------------------------------------------------- template building blocks
# The build scripts of every default Word template (the generic frame, 督办单,
# the inspection report, enforcement notices and decisions, the commitment
# letter) start from these, so each one carries the same page, grid, styles and
# page numbers; a test measures every template file.


def new_document() -> Any:
    """An empty A4 document with the 版心, the grid, the styles by element and
    the page numbers, and no stray first paragraph."""
    from docx import Document

    doc = Document()
    setup_page(doc)
    add_styles(doc)
    body = doc.element.body
    for p in list(body.iterchildren(_qn("w:p"))):
        body.remove(p)
    page_numbers(doc)
    return doc


def add(doc: Any, text: str, style: str) -> Any:
    """A paragraph of `style` holding `text` (empty text: a blank line of the grid)."""
    p = doc.add_paragraph(style=style)
    if text:
        p.add_run(text)
    return p


def letterhead(doc: Any, authority: str, number: str) -> None:
    """版头: the issuing authority's mark 35 mm below the top of the text area,
    two blank lines, the 发文字号 with the red rule 4 mm under it, then two
    blank lines before the title (GB/T 9704-2012 7.2)."""
    add(doc, authority, "公文版头")
    add(doc, "", "公文正文")
    add(doc, "", "公文正文")
    border(add(doc, number, "公文发文字号"), "bottom", color=RED, size_eighths=12, space=round(4 * MM_PT))
    add(doc, "", "公文正文")
    add(doc, "", "公文正文")


def signature(doc: Any, signer: str, date: str) -> None:
    """落款 and 成文日期 右空四字, with two blank lines of room for the seal."""
    add(doc, "", "公文正文")
    add(doc, "", "公文正文")
    add(doc, signer, "公文落款")
    add(doc, date, "公文落款")
