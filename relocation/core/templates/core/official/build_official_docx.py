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

Every measure and typeface comes from relocation/core/official_layout.py
(GB/T 9704-2012): the Word file names the official faces (仿宋_GB2312,
方正小标宋简体, 黑体, 楷体_GB2312, 宋体), as an office PC has them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx.enum.section import WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parents[5]))
from relocation.core import official_layout as L  # noqa: E402

OUT = Path(__file__).with_name("official_document.docx")


def bookmark(paragraph, name: str, bid: str) -> None:
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), bid)
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), bid)
    paragraph._p.append(start)
    paragraph._p.append(end)


def build() -> Path:
    doc = L.new_document()
    doc.sections[0].start_type = WD_SECTION.NEW_PAGE

    def para(text: str, style: str):
        return L.add(doc, text, style)

    L.letterhead(doc, "{{ authority }}", "{{ document_number }}")
    para("{{ title }}", "公文标题")
    para("", "公文正文")
    para("{% if recipients %}{{ recipients }}：{% endif %}", "公文主送")
    # The body: plain paragraphs from the context (`paragraphs`, a list of strings) for
    # callers that need no more, then an empty paragraph bookmarked "body" where
    # relocation/meetings/official.py lays in headings, tables and charts.
    para("{%p for para in paragraphs %}", "公文正文")
    para("{{ para }}", "公文正文")
    para("{%p endfor %}", "公文正文")
    bookmark(para("", "公文正文"), "body", "0")
    # 附件说明: one blank line under the body, two characters in.
    para("{%p if annex_title %}", "公文正文")
    para("", "公文正文")
    para("附件：{{ annex_title }}", "公文正文")
    para("{%p endif %}", "公文正文")
    # The seal's room, then 落款 and 成文日期 (右空四字), 附注 on the next line.
    L.signature(doc, "{{ signer }}", "{{ date_text }}")
    para("{% if note %}（{{ note }}）{% endif %}", "公文正文")
    # 附件 on pages of its own before the 版记 (official.py lays it in here).
    bookmark(para("", "公文正文"), "annex", "1")
    # 版记 at the foot of the last page: first and last rules thick, the middle one thin.
    copy_to = para("{% if copy_to %}抄送：{{ copy_to }}。{% endif %}", "公文版记")
    L.border(copy_to, "top", color="000000", size_eighths=8)
    L.border(copy_to, "bottom", color="000000", size_eighths=6)
    printed = para("{{ printed_by }}\t{{ printed_on }}{% if printed_on %}印发{% endif %}", "公文版记")
    printed.paragraph_format.tab_stops.add_tab_stop(Mm(L.TEXT_W) - Pt(2 * L.NOTE_PT), alignment=2)
    L.border(printed, "bottom", color="000000", size_eighths=8)
    L.at_page_foot(copy_to)
    L.at_page_foot(printed)

    doc.save(OUT)
    return OUT


if __name__ == "__main__":
    print(build())
