"""Official documents (公文) in the GB/T 9704-2012 layout: meeting minutes here,
the monthly bulletin in `reporting` (which calls down to this module).

The shared layout lives in `core/templates/core/official/`: `document.html` +
`_styles.html` for the PDF (WeasyPrint, CJK fonts embedded) and
`official_document.docx` (built by `build_official_docx.py`) for Word. The text
of a document is a list of blocks (headings, paragraphs, tables, charts) that
this module lays out in both formats, so the two always say the same thing.

Rendering, numbering and the HQ-editable Word templates go through
`relocation.core.documents` (render_docx, next_document_number, html_to_pdf).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import escape

from relocation.core import documents, official_layout

OFFICIAL_DIR = Path(settings.BASE_DIR) / "relocation" / "core" / "templates" / "core" / "official"
WORD_FRAME = OFFICIAL_DIR / "official_document.docx"
# The body slot of a hand-made Word template (the built-in one has a bookmark named "body").
BODY_PLACEHOLDER = "[[BODY]]"
ANNEX_PLACEHOLDER = "[[ANNEX]]"
# The free faces the PDF uses in place of the official ones (the Word file names
# the official ones, see core.official_layout); settings may name others.
FRAME_SERIF = "Noto Serif CJK SC"
FRAME_SANS = "Noto Sans CJK SC"
FRAME_KAI = "AR PL UKai CN"


@dataclass
class Block:
    """One piece of a document's text.

    kind: "heading1" (一、 in 黑体), "heading2" ((一) in 楷体), "paragraph",
    "caption" (a table's number and title, centred), "table" (rows: first row
    is the header), "chart" (svg for PDF, png for Word).
    """

    kind: str
    text: str = ""
    rows: Sequence[Sequence[object]] = ()
    svg: str = ""
    png: bytes = b""
    caption: str = ""


@dataclass
class OfficialDocument:
    title: str
    blocks: list[Block] = field(default_factory=list)
    authority: str = ""
    document_number: str = ""
    recipients: str = ""
    signer: str = ""
    date_text: str = ""
    show_seal: bool = True
    note: str = ""
    copy_to: str = ""
    printed_by: str = ""
    printed_on: str = ""
    # 附件: named after the body (附件说明), laid out on pages of its own before the 版记.
    annex_title: str = ""
    annex: list[Block] = field(default_factory=list)

    def authority_size(self) -> float:
        """版头 font size in pt: up to 30 pt, smaller so a long name fits the
        156 mm type area on one line (about 442 pt)."""
        return round(min(30.0, 430.0 / max(len(self.authority), 1)), 1)

    def context(self) -> dict[str, object]:
        return {
            "authority": self.authority,
            "authority_size": self.authority_size(),
            "paragraphs": [],  # the body goes in as blocks (see _fill_body)
            "document_number": self.document_number,
            "title": self.title,
            "title_lines": official_layout.title_lines(self.title),
            "annex_title": self.annex_title if self.annex else "",
            "recipients": self.recipients,
            "signer": self.signer,
            "date_text": self.date_text,
            "show_seal": self.show_seal,
            "note": self.note,
            "copy_to": self.copy_to,
            "printed_by": self.printed_by,
            "printed_on": self.printed_on,
        }


def fonts() -> dict[str, str]:
    return {
        "font_serif": getattr(settings, "DOCUMENT_FONT_SERIF", FRAME_SERIF) or FRAME_SERIF,
        "font_sans": getattr(settings, "DOCUMENT_FONT_SANS", FRAME_SANS) or FRAME_SANS,
        "font_kai": getattr(settings, "DOCUMENT_FONT_KAI", FRAME_KAI) or FRAME_KAI,
        "letter_spacing": f"{official_layout.TEXT_W * official_layout.MM_PT / official_layout.CHARS - 16:.3f}",
    }


def chinese_date(value) -> str:
    """成文日期 in Arabic numerals without leading zeros (GB/T 9704-2012 7.3.5.1)."""
    return f"{value.year}年{value.month}月{value.day}日"


# ----------------------------------------------------------------------------- numbering


def next_number(prefix: str, year: int) -> tuple[int, str]:
    """发文字号 for a new document: `prefix〔year〕n号`, numbered per issuer and
    year without gaps (core.documents locks the sequence; call inside the
    issuing transaction so a failed issue gives its number back)."""
    return documents.next_document_number(prefix, year)


# ----------------------------------------------------------------------------- PDF


def blocks_html(blocks: Sequence[Block]) -> str:
    parts: list[str] = []
    for block in blocks:
        if block.kind == "heading1":
            parts.append(f"<h2>{escape(block.text)}</h2>")
        elif block.kind == "heading2":
            parts.append(f"<h3>{escape(block.text)}</h3>")
        elif block.kind == "caption":
            parts.append(f'<p class="caption">{escape(block.text)}</p>')
        elif block.kind == "table":
            rows = list(block.rows)
            if not rows:
                continue
            head = "".join(f"<th>{escape(c)}</th>" for c in rows[0])
            body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows[1:])
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif block.kind == "chart":
            # The SVG is produced by our own chart code from numbers and escaped labels.
            parts.append(f'<div class="chart">{block.svg}</div>')
        else:
            parts.append(f"<p>{escape(block.text)}</p>")
    return "\n".join(parts)


def document_html(doc: OfficialDocument) -> str:
    return render_to_string(
        "core/official/document.html",
        {
            **doc.context(),
            **fonts(),
            "body_html": blocks_html(doc.blocks),
            "annex_html": blocks_html(doc.annex) if doc.annex else "",
        },
    )


def render_pdf(doc: OfficialDocument) -> bytes:
    """The document as PDF; WeasyPrint embeds (subsets of) the CJK fonts."""
    return documents.html_to_pdf(document_html(doc), base_url=str(settings.BASE_DIR))


# ----------------------------------------------------------------------------- Word


def _fit_authority(document, size_pt: float) -> None:
    from docx.shared import Pt

    for p in document.paragraphs:
        if p.style is not None and p.style.name == "公文版头":
            for run in p.runs:
                run.font.size = Pt(size_pt)


def _is_anchor(paragraph, name: str, placeholder: str) -> bool:
    """A slot: the paragraph bookmarked `name` (or, in a hand-made template,
    one that reads `placeholder`)."""
    from docx.oxml.ns import qn

    if placeholder in paragraph.text:
        return True
    return any(b.get(qn("w:name")) == name for b in paragraph._p.iter(qn("w:bookmarkStart")))


def _fill_annex(document, doc: OfficialDocument) -> None:
    """附件 on a new page: "附件" in 3号黑体 at the top left, the annex title
    centred on the third line, then its blocks (GB/T 9704-2012 8.1)."""
    from docx.enum.text import WD_BREAK

    if not doc.annex:
        return
    anchor = next((p for p in document.paragraphs if _is_anchor(p, "annex", ANNEX_PLACEHOLDER)), None)
    if anchor is None:  # an HQ-edited template without the slot: after the body
        anchor = document.add_paragraph("")
    style_ids = {s.name: s.style_id for s in document.styles}
    mark = anchor.insert_paragraph_before("")
    mark.add_run().add_break(WD_BREAK.PAGE)
    mark.add_run("附件")
    if "公文附件标识" in style_ids:
        mark._p.style = style_ids["公文附件标识"]
    anchor.insert_paragraph_before("")
    _fill_body(document, [Block("title", doc.annex_title), *doc.annex], anchor=anchor)


def _fill_body(document, blocks: Sequence[Block], anchor=None) -> None:
    from docx.shared import Mm

    placeholder = anchor or next((p for p in document.paragraphs if _is_anchor(p, "body", BODY_PLACEHOLDER)), None)
    if placeholder is None:  # an HQ-edited template without a body slot: append at the end
        placeholder = document.add_paragraph("")
    # Style ids looked up once and set on the XML: python-docx's `paragraph.style = …`
    # searches the style list on every call (seconds for a bulletin with long tables).
    style_ids = {s.name: s.style_id for s in document.styles}

    def styled(paragraph, name: str):
        if name in style_ids:
            paragraph._p.style = style_ids[name]
        return paragraph

    for block in blocks:
        if block.kind == "table":
            rows = [[str(c) for c in r] for r in block.rows]
            if not rows:
                continue
            cols = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=cols)
            if "Table Grid" in style_ids:
                table._tbl.tblPr.style = style_ids["Table Grid"]
            # table.cell(i, j) walks the whole grid on every call; take the cells once.
            cells = table._cells
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    paragraph = styled(cells[i * cols + j].paragraphs[0], "公文表格")
                    run = paragraph.add_run(value)
                    if i == 0:
                        run.bold = True
            placeholder._p.addprevious(table._tbl)
        elif block.kind == "chart":
            p = styled(placeholder.insert_paragraph_before(""), "公文表格")
            p.add_run().add_picture(io.BytesIO(block.png), width=Mm(150))
        else:
            name = {
                "heading1": "公文一级标题",
                "heading2": "公文二级标题",
                "caption": "公文二级标题",
                "title": "公文标题",
            }.get(block.kind, "公文正文")
            styled(placeholder.insert_paragraph_before(block.text), name)
    if anchor is None and (BODY_PLACEHOLDER in placeholder.text or not placeholder.text.strip()):
        placeholder._p.getparent().remove(placeholder._p)


def render_word(doc: OfficialDocument, *, template_code: str) -> bytes:
    """The document as .docx: the (HQ-editable) frame from core.documents with
    the blocks laid into its body slot and the annex into its annex slot; the
    title cut into balanced lines (core.documents does that for every frame)."""
    from docx import Document

    frame = documents.render_docx(template_code, WORD_FRAME, doc.context())
    document = Document(io.BytesIO(frame))
    _fill_body(document, doc.blocks)
    _fill_annex(document, doc)
    official_layout.break_title(document)
    _fit_authority(document, doc.authority_size())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> str:
    """All the text of a .docx (paragraphs and table cells), for checks and search."""
    from docx import Document

    document = Document(io.BytesIO(data))
    lines = [p.text.replace("\n", "") for p in document.paragraphs]  # a title's line breaks
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(c.text for c in row.cells))
    return "\n".join(lines)


def text_blocks(text: str) -> list[Block]:
    """Plain text (an edited bulletin section) as paragraphs, one per non-empty line."""
    return [Block("paragraph", line.strip()) for line in text.splitlines() if line.strip()]
