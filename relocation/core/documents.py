"""Generated documents: Word from docxtpl templates (which HQ may replace with
its own), official document numbers, and PDF from HTML with CJK fonts.

Offices edit and print Word; PDF is for issuing and archiving. The official
layout (GB/T 9704-2012) is measured out in core.official_layout and built into
the templates by their build scripts.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.db import transaction

from relocation.core.models import DocumentSequence, DocumentTemplate


def template_source(code: str, default_path: str | Path) -> Any:
    """HQ's uploaded replacement for `code` if there is one, else the built-in file."""
    override = DocumentTemplate.objects.filter(code=code).first()
    if override is not None and override.file:
        with override.file.open("rb") as fh:
            return io.BytesIO(fh.read())
    return str(default_path)


def render_docx(code: str, default_path: str | Path, context: dict[str, Any]) -> bytes:
    """Fill a Word template with `context` (jinja tags, docxtpl) and return the .docx bytes."""
    from docx import Document
    from docxtpl import DocxTemplate

    from relocation.core.official_layout import break_title

    doc = DocxTemplate(template_source(code, default_path))
    doc.render(context, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    # Titles in balanced lines (GB/T 9704-2012 7.3.1), whatever their length.
    document = Document(io.BytesIO(out.getvalue()))
    break_title(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def next_document_number(prefix: str, year: int) -> tuple[int, str]:
    """Reserve the next number for an issuer and year, e.g. (3, "虎环督〔2022〕3号").

    The row lock makes two concurrent issues get different numbers. Called
    inside the caller's transaction, a failed issue rolls its number back too,
    so numbers have neither duplicates nor gaps."""
    with transaction.atomic():
        seq, _created = DocumentSequence.objects.select_for_update().get_or_create(prefix=prefix, year=year)
        seq.last += 1
        seq.save(update_fields=["last"])
    return seq.last, f"{prefix}〔{year}〕{seq.last}号"


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """Render HTML to PDF with WeasyPrint; the CSS should name the CJK fonts
    (settings.DOCUMENT_FONT_SERIF / DOCUMENT_FONT_SANS), which are embedded."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()
