"""Small files for upload tests: a JPEG with EXIF time, a PNG, a PDF, and a
file pretending to be a PDF."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile


def jpeg_bytes(taken: str = "2022:03:15 10:20:30") -> bytes:
    from PIL import Image

    image = Image.new("RGB", (8, 8), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0132] = taken  # DateTime
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def photo(name: str = "现场.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


def pdf(name: str = "承诺书.pdf", size: int = 0) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    if size:
        body += b"0" * (size - len(body))
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def fake_pdf(name: str = "承诺书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00 this is an executable", content_type="application/pdf")
