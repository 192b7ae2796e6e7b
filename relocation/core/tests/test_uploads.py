import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from relocation.core import uploads
from relocation.core.errors import ServiceError


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.django_db
def test_it_stores_a_checked_file_with_its_hash(hq_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stored = uploads.store_upload(actor=hq_staff, uploaded_file=SimpleUploadedFile("a.png", _png()), kinds={"png"})
    assert stored.content_type == "image/png" and len(stored.sha256) == 64
    assert uploads.open_verified(stored) == _png()


@pytest.mark.django_db
def test_it_refuses_a_file_whose_content_is_not_its_type(hq_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ServiceError, match="文件类型不符"):
        uploads.store_upload(actor=hq_staff, uploaded_file=fake, kinds={"pdf"})


@pytest.mark.django_db
def test_it_refuses_an_oversized_file(hq_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000)
    with pytest.raises(ServiceError, match="文件过大"):
        uploads.store_upload(actor=hq_staff, uploaded_file=big, kinds={"pdf"}, max_bytes=1000)


@pytest.mark.django_db
def test_download_refuses_a_tampered_file(client, hq_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stored = uploads.store_upload(actor=hq_staff, uploaded_file=SimpleUploadedFile("a.png", _png()), kinds={"png"})
    client.force_login(hq_staff)
    assert client.get(f"/files/{stored.pk}/").status_code == 200
    with open(stored.file.path, "ab") as fh:
        fh.write(b"tampered")
    assert client.get(f"/files/{stored.pk}/").status_code == 403


@pytest.mark.django_db
def test_outsider_cannot_download(client, hq_staff, outsider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stored = uploads.store_upload(actor=hq_staff, uploaded_file=SimpleUploadedFile("a.png", _png()), kinds={"png"})
    client.force_login(outsider)
    assert client.get(f"/files/{stored.pk}/").status_code == 404
