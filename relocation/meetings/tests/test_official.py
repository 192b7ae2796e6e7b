"""The GB/T 9704-2012 layout shared by official documents."""

from __future__ import annotations

import io

import pytest
from docx import Document

from relocation.meetings import official, richtext


def sample() -> official.OfficialDocument:
    return official.OfficialDocument(
        authority="虎门镇电镀印染专业基地B区关停搬迁现场指挥部",
        document_number="搬迁通报〔2022〕3号",
        title="关于2022年1月关停搬迁工作进展情况的通报",
        recipients="各成员单位",
        blocks=[
            official.Block("heading1", "一、总体情况"),
            official.Block("paragraph", "A&B <不是标签>"),
            official.Block("table", rows=[["单位", "数量"], ["虎门镇", 3]]),
        ],
        signer="现场指挥部",
        date_text="2022年2月7日",
        copy_to="搬迁协调工作小组各位领导",
        printed_by="现场指挥部",
        printed_on="2022年2月7日",
    )


@pytest.mark.django_db
def test_word_has_the_frame_body_and_table_in_order():
    data = official.render_word(sample(), template_code="test.official")
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[:5] == [
        "虎门镇电镀印染专业基地B区关停搬迁现场指挥部",
        "搬迁通报〔2022〕3号",
        "关于2022年1月关停搬迁工作进展情况的通报",
        "各成员单位：",
        "一、总体情况",
    ]
    assert "A&B <不是标签>" in texts and "抄送：搬迁协调工作小组各位领导。" in texts
    assert document.tables[0].cell(1, 0).text == "虎门镇"
    assert "[[BODY]]" not in "\n".join(texts)
    authority = document.paragraphs[0]
    assert authority.style.name == "公文版头" and authority.runs[0].font.size.pt < 30  # shrunk to fit one line
    section = document.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28


@pytest.mark.django_db
def test_word_names_the_official_faces_and_pdf_the_configured_ones(settings):
    settings.DOCUMENT_FONT_SERIF = "FZFangSong-Z02"
    settings.DOCUMENT_FONT_SANS = "FZHei-B01"
    data = official.render_word(sample(), template_code="test.official")
    styles = Document(io.BytesIO(data)).styles.element.xml
    assert "仿宋_GB2312" in styles and "FZFangSong-Z02" not in styles
    html = official.document_html(sample())
    assert '"FZFangSong-Z02"' in html and '"FZHei-B01"' in html


def test_html_escapes_the_text():
    html = official.document_html(sample())
    assert "A&amp;B &lt;不是标签&gt;" in html and "搬迁通报〔2022〕3号" in html


def test_rich_text_becomes_headings_paragraphs_and_numbered_items():
    blocks = richtext.to_blocks(
        "<h2>一、情况</h2><p>正文<b>加粗</b></p><ol><li>甲</li><li>乙</li></ol><script>x</script>"
    )
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading1", "一、情况"),
        ("paragraph", "正文加粗"),
        ("paragraph", "1. 甲"),
        ("paragraph", "2. 乙"),
    ]


@pytest.mark.django_db
def test_other_apps_can_fill_the_word_frame_with_plain_paragraphs():
    """A supervision notice or a letter needs no blocks: core.documents.render_docx
    with `paragraphs` fills the same GB/T 9704 frame."""
    from relocation.core.documents import render_docx

    context = {**sample().context(), "paragraphs": ["你单位承办的任务已逾期。", "请于3个工作日内办结。"]}
    data = render_docx("supervision.notice", official.WORD_FRAME, context)
    texts = [p.text for p in Document(io.BytesIO(data)).paragraphs if p.text]
    assert texts[3:6] == ["各成员单位：", "你单位承办的任务已逾期。", "请于3个工作日内办结。"]
