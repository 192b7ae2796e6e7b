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


@pytest.mark.django_db
def test_the_bytes_on_disk_are_encrypted(hq_staff, settings, tmp_path):
    """A copied media folder shows no phone number of an uploaded ledger (the probe found them in clear)."""
    settings.MEDIA_ROOT = tmp_path
    ledger = "企业名称,联系电话\n测试电镀厂,13812345678\n".encode()
    stored = uploads.store_upload(actor=hq_staff, uploaded_file=SimpleUploadedFile("台账.csv", ledger), kinds={"csv"})
    on_disk = (tmp_path / stored.file.name).read_bytes()
    assert b"13812345678" not in on_disk and "测试电镀厂".encode() not in on_disk
    assert stored.encrypted and uploads.open_verified(stored) == ledger


@pytest.mark.django_db
def test_a_file_stored_before_encryption_still_opens_and_reencrypt_encrypts_it(
    hq_staff, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    stored = uploads.store_upload(actor=hq_staff, uploaded_file=SimpleUploadedFile("a.png", _png()), kinds={"png"})
    # As a file of the earlier releases: plaintext on disk, not flagged.
    legacy = tmp_path / "uploads" / "legacy.png"
    legacy.write_bytes(_png())
    type(stored).objects.filter(pk=stored.pk).update(file="uploads/legacy.png", encrypted=False)
    stored.refresh_from_db()
    assert uploads.open_verified(stored) == _png()

    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    settings.FIELD_INDEX_KEY = old_keys[-1]
    settings.FIELD_ENCRYPTION_KEYS = ["the-next-field-key", *old_keys]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reindex_lookups", reencrypt=True)
    settings.FIELD_ENCRYPTION_KEYS = ["the-next-field-key"]  # the old key can go
    stored.refresh_from_db()
    assert stored.encrypted and stored.file.name.endswith(".enc")
    assert uploads.open_verified(stored) == _png()
    assert not legacy.exists()  # the plaintext copy is gone


@pytest.mark.django_db
def test_a_file_under_a_removed_key_is_refused_not_served(client, hq_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stored = uploads.store_upload(actor=hq_staff, uploaded_file=SimpleUploadedFile("a.png", _png()), kinds={"png"})
    settings.FIELD_ENCRYPTION_KEYS = ["an-unrelated-key"]
    with pytest.raises(uploads.TamperedFileError):
        uploads.open_verified(stored)
