"""Every official document's Word file measures up to GB/T 9704-2012: the
official typefaces per element, 22 lines × 28 characters, the page number
7 mm below the text area, the issuing-authority mark 35 mm below its top, two
blank lines where the standard asks, the 版记 at the foot of the last page,
balanced title lines."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from relocation.core import official_layout as L
from relocation.meetings import official
from relocation.meetings.tests.test_official import sample

PT_MM = 25.4 / 72


def _east_asia(style) -> str | None:
    while style is not None:
        fonts = style.element.find(qn("w:rPr") + "/" + qn("w:rFonts"))
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
        style = style.base_style
    return None


@pytest.fixture
def word():
    doc = sample()
    doc.title = "关于进一步加强关停搬迁企业工人安置和工资清偿工作的通知"
    doc.annex_title = "统计表"
    doc.annex = [official.Block("table", rows=[["a", "b"], ["c", 1]])]
    return Document(io.BytesIO(official.render_word(doc, template_code="test.official")))


@pytest.mark.django_db
def test_it_names_the_official_typeface_of_each_element(word):
    styles = {s.name: s for s in word.styles}
    expected = {
        "公文正文": "仿宋_GB2312",
        "公文标题": "方正小标宋简体",
        "公文版头": "方正小标宋简体",
        "公文一级标题": "黑体",
        "公文二级标题": "楷体_GB2312",
        "公文页码": "宋体",
        "公文版记": "仿宋_GB2312",
    }
    assert {name: _east_asia(styles[name]) for name in expected} == expected
    assert styles["公文正文"].font.size.pt == 16 and styles["公文标题"].font.size.pt == 22


@pytest.mark.django_db
def test_it_has_22_lines_of_28_characters(word):
    section = word.sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    text_w = (section.page_width - section.left_margin - section.right_margin) / 12700
    text_h = (section.page_height - section.top_margin - section.bottom_margin) / 12700
    pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert int(text_w // pitch) == 28
    line = int(grid.get(qn("w:linePitch"))) / 20
    assert int(text_h // line) == 22
    assert word.styles["公文正文"].paragraph_format.line_spacing / 12700 == pytest.approx(line, abs=0.05)
    assert round(text_w * PT_MM) == 156 and round(text_h * PT_MM) == 225


@pytest.mark.django_db
def test_the_page_number_sits_7_mm_below_the_text_area(word):
    section = word.sections[0]
    style = word.styles["公文页码"]
    footer_top = section.footer_distance.pt + style.paragraph_format.line_spacing / 12700
    assert (section.bottom_margin.pt - footer_top) * PT_MM == pytest.approx(7, abs=0.2)
    assert section.footer.paragraphs[0].text.startswith("— ") and word.settings.odd_and_even_pages_header_footer


@pytest.mark.django_db
def test_the_mark_is_35_mm_below_the_top_of_the_text_area_then_two_blank_lines(word):
    paragraphs = word.paragraphs
    mark = paragraphs[0]
    assert mark.style.name == "公文版头"
    assert mark.style.paragraph_format.space_before.pt * PT_MM == pytest.approx(35, abs=0.1)
    assert [p.text for p in paragraphs[1:4]] == ["", "", "搬迁通报〔2022〕3号"]
    # Two blank lines under the red rule before the title.
    assert [p.text for p in paragraphs[4:6]] == ["", ""] and paragraphs[6].style.name == "公文标题"


@pytest.mark.django_db
def test_the_colophon_sits_at_the_foot_of_the_last_page(word):
    colophon = [p for p in word.paragraphs if p.style.name == "公文版记"]
    assert colophon and [p._p for p in word.paragraphs[-len(colophon) :]] == [p._p for p in colophon]
    for p in colophon:
        frame = p._p.pPr.find(qn("w:framePr"))
        assert frame.get(qn("w:yAlign")) == "bottom" and frame.get(qn("w:vAnchor")) == "margin"


@pytest.mark.django_db
def test_the_annex_follows_the_signature_on_a_new_page_before_the_colophon(word):
    texts = [p.text for p in word.paragraphs]
    assert (
        texts.index("附件：统计表")
        < texts.index("现场指挥部")
        < texts.index("附件")
        < texts.index("抄送：搬迁协调工作小组各位领导。")
    )


@pytest.mark.django_db
def test_a_long_title_is_cut_into_balanced_lines(word):
    title = next(p for p in word.paragraphs if p.style.name == "公文标题")
    lines = title.text.split("\n")
    assert len(lines) == 2 and all(L.width(line) <= L.title_chars() for line in lines)
    assert abs(len(lines[0]) - len(lines[1])) <= 2


@pytest.mark.parametrize(
    "title",
    ["关于2022年1月关停搬迁工作进展情况的通报", "关于进一步加强关停搬迁企业工人安置工作的通知啊", "甲" * 41],
)
def test_no_title_line_is_a_single_character(title):
    lines = L.title_lines(title)
    assert "".join(lines) == title and all(len(line) > 1 for line in lines)
    assert all(L.width(line) <= L.title_chars() for line in lines)
    assert max(map(len, lines)) - min(map(len, lines)) <= 2
