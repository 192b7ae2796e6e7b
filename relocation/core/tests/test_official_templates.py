"""Every default Word template of an official document (the generic frame,
督办单, the inspection report, enforcement notices, decisions and letters, the
commitment letter) measures up to GB/T 9704-2012 rule by rule, once filled:
the page and the 版心, 22 lines × 28 characters, the official typeface of each
element (and no run overriding it), the page number 7 mm below the text area,
the issuing authority's mark 35 mm below the top of the text area with two
blank lines and the red rule under the 发文字号, balanced title lines.

The templates are found on disk, so a new one is measured without editing this
test."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from relocation.core import documents
from relocation.core import official_layout as L
from relocation.core.tests.test_official_layout import _east_asia

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    p for p in ROOT.rglob("*.docx") if "tests" not in p.parts and "media" not in p.parts and "var" not in p.parts
)
PT_MM = 25.4 / 72
EMU_MM = 1 / 36000
LONG_TITLE = "关于第二季度关停搬迁企业断水断电和清理原料产品情况专题督查"
CONTEXT = {
    "authority": "现场指挥部",
    "issuer": "现场指挥部",
    "unit": "市生态环境局",
    "number": "环督〔2022〕3号",
    "document_number": "环督〔2022〕3号",
    "title": LONG_TITLE,
    "enterprise": "某某电镀有限公司",
    "enterprise_name": "某某电镀有限公司",
    "unit_name": "某某镇",
    "findings": [{"unit": "某某镇", "description": "未断电。", "rectification": "断电", "task": "五个工作日"}],
    "stats": {"total": 3, "rate": "66.7%", "overdue": 1},
    "obligations": ["按期关停"],
    "paragraphs": ["正文。"],
    "date": "2022年5月16日",
    "issued_on": "2022年5月16日",
}
OFFICIAL_FACE = {
    "公文版头": L.FONTS["authority"],
    "公文标题": L.FONTS["title"],
    "公文正文": L.FONTS["body"],
    "公文主送": L.FONTS["body"],
    "公文发文字号": L.FONTS["body"],
    "公文落款": L.FONTS["body"],
    "公文一级标题": L.FONTS["heading1"],
    "公文二级标题": L.FONTS["heading2"],
    "公文附件标识": L.FONTS["heading1"],
    "公文版记": L.FONTS["body"],
    "公文表格": L.FONTS["body"],
    "公文页码": L.FONTS["page_number"],
}


def _paragraphs(doc):
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


@pytest.fixture(params=TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def filled(request, db):
    content = documents.render_docx(f"test.{request.param.stem}", request.param, CONTEXT)
    return Document(io.BytesIO(content))


def test_the_templates_are_found():
    names = {p.stem for p in TEMPLATES}
    assert {"official_document", "supervision_notice", "inspection_report", "commitment_letter"} <= names
    assert {"rectification_notice", "penalty_decision", "utility_cut_request"} <= names


def test_a4_with_the_text_area_and_a_grid_of_22_lines_by_28_characters(filled):
    section = filled.sections[0]
    assert (round(section.page_width * EMU_MM), round(section.page_height * EMU_MM)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert tuple(round(m * EMU_MM) for m in margins) == (L.TOP, L.BOTTOM, L.LEFT, L.RIGHT)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    text_w = (section.page_width - section.left_margin - section.right_margin) / 12700
    text_h = (section.page_height - section.top_margin - section.bottom_margin) / 12700
    assert int(text_w // (16 + int(grid.get(qn("w:charSpace"))) / 4096)) == 28
    assert int(text_h // (int(grid.get(qn("w:linePitch"))) / 20)) == 22


def test_each_element_is_in_its_official_typeface_and_no_run_overrides_it(filled):
    for p in _paragraphs(filled):
        name = p.style.name
        assert name in OFFICIAL_FACE, f"paragraph {p.text!r} in style {name!r}, not an element of the frame"
        assert _east_asia(p.style) == OFFICIAL_FACE[name], name
        for run in p.runs:
            fonts = run._r.rPr.find(qn("w:rFonts")) if run._r.rPr is not None else None
            assert fonts is None, f"run {run.text!r} names its own face"
    styles = {s.name: s for s in filled.styles}
    assert styles["公文正文"].font.size.pt == L.BODY_PT and styles["公文标题"].font.size.pt == L.TITLE_PT


def test_page_numbers_sit_7_mm_below_the_text_area_in_the_page_number_face(filled):
    section = filled.sections[0]
    number = section.footer.paragraphs[0]
    assert number.style.name == "公文页码" and number.text.startswith("— ")
    assert number._p.find(".//" + qn("w:fldSimple")).get(qn("w:instr")) == "PAGE"
    footer_top = section.footer_distance.pt + number.style.paragraph_format.line_spacing / 12700
    assert (section.bottom_margin.pt - footer_top) * PT_MM == pytest.approx(L.PAGE_NUMBER_GAP_MM, abs=0.2)
    assert filled.settings.odd_and_even_pages_header_footer


# Letters the enterprise signs: no authority's mark, they open on their title.
NO_MARK = {"commitment_letter"}


@pytest.mark.django_db
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_letterhead_of_an_authoritys_document(template):
    paragraphs = Document(io.BytesIO(documents.render_docx(f"test.{template.stem}", template, CONTEXT))).paragraphs
    if template.stem in NO_MARK:
        assert paragraphs[0].style.name == "公文标题"
        assert not any(p.style.name == "公文版头" for p in paragraphs)
        return
    assert paragraphs[0].style.name == "公文版头"
    mark = paragraphs[0].style.paragraph_format.space_before
    assert mark.pt * PT_MM == pytest.approx(L.AUTHORITY_GAP_MM, abs=0.1)
    assert [p.text for p in paragraphs[1:3]] == ["", ""]
    number = paragraphs[3]
    assert number.style.name == "公文发文字号" and number.text == CONTEXT["number"]
    rule = number._p.pPr.find(qn("w:pBdr") + "/" + qn("w:bottom"))
    assert rule is not None and rule.get(qn("w:color")) == L.RED
    assert [p.text for p in paragraphs[4:6]] == ["", ""] and paragraphs[6].style.name == "公文标题"


def test_the_title_is_cut_into_balanced_lines(filled):
    title = next(p for p in filled.paragraphs if p.style.name == "公文标题")
    lines = title.text.split("\n")
    assert all(L.width(line) <= L.title_chars() for line in lines)
    assert all(len(line) > 1 for line in lines)
    if len(lines) > 1:
        assert max(map(len, lines)) - min(map(len, lines)) <= 2


def test_the_date_of_issue_is_written_in_full_without_leading_zeros():
    """GB/T 9704-2012 7.3.5.3: 成文日期 in Arabic numerals, e.g. 2022年5月6日 (not 2022-05-06)."""
    import datetime as dt

    assert L.official_date(dt.date(2022, 5, 6)) == "2022年5月6日"
