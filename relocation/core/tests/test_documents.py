import io

import pytest
from docx import Document

from relocation.core.documents import html_to_pdf, next_document_number, render_docx


@pytest.mark.django_db
def test_numbers_are_sequential_per_issuer_and_year():
    assert next_document_number("虎环督", 2022) == (1, "虎环督〔2022〕1号")
    assert next_document_number("虎环督", 2022)[0] == 2
    assert next_document_number("虎环督", 2023)[0] == 1
    assert next_document_number("虎城管", 2022)[0] == 1


@pytest.mark.django_db
def test_it_fills_a_word_template(tmp_path):
    template = Document()
    template.add_paragraph("致 {{ name }}：")
    path = tmp_path / "t.docx"
    template.save(path)
    data = render_docx("test", path, {"name": "东莞市测试电镀有限公司"})
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "致 东莞市测试电镀有限公司：" in text


def _decompressed(pdf: bytes) -> bytes:
    import re
    import zlib

    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(parts)


def test_pdf_embeds_a_cjk_font():
    pdf = html_to_pdf("<p style=\"font-family: 'Noto Sans CJK SC'\">关停搬迁</p>")
    assert pdf.startswith(b"%PDF")
    assert b"NotoSansCJK" in _decompressed(pdf).replace(b"-", b"")
