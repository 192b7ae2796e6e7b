"""Checked uploads: type by content (magic bytes, not the file name), size,
SHA-256, and the time and place a photo was taken (EXIF).

Apps store files with `store_upload()` and serve them with `open_verified()`,
which refuses a file whose content no longer matches its hash. The generic
download view (`core:file`, /files/<id>/) asks the app that owns the file
whether the user may read it: apps register a checker per `purpose` with
`register_download_check(purpose, fn(user, stored_file) -> bool)`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from relocation.core import crypto
from relocation.core.errors import ServiceError
from relocation.core.models import StoredFile

# kind -> (content type, magic-byte test)
KINDS: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    "pdf": ("application/pdf", lambda head: head.startswith(b"%PDF-")),
    "jpeg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    "png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lambda head: head.startswith(b"PK\x03\x04"),
    ),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        lambda head: head.startswith(b"PK\x03\x04"),
    ),
    "csv": ("text/csv", lambda head: b"\x00" not in head),
}
KIND_LABELS = {"pdf": "PDF", "jpeg": "JPG", "png": "PNG", "xlsx": "Excel", "docx": "Word", "csv": "CSV"}

_download_checks: dict[str, Callable[[Any, StoredFile], bool]] = {}


def register_download_check(purpose: str, check: Callable[[Any, StoredFile], bool]) -> None:
    _download_checks[purpose] = check


def can_download(user: Any, stored: StoredFile) -> bool:
    check = _download_checks.get(stored.purpose)
    if check is not None:
        return check(user, stored)
    from relocation.core.roles import is_hq, is_staff_member

    # Default: HQ, the uploader, and (for enterprise files) staff members.
    return (
        is_hq(user) or stored.uploaded_by_id == user.pk or (stored.enterprise_id is not None and is_staff_member(user))
    )


def detect_kind(head: bytes, allowed: Iterable[str]) -> str | None:
    for kind in allowed:
        if KINDS[kind][1](head):
            return kind
    return None


def _exif(data: bytes) -> tuple[dt.datetime | None, float | None, float | None]:
    """Time and GPS position from a photo's EXIF, when present (best effort)."""
    import io

    from PIL import Image

    try:
        image = Image.open(io.BytesIO(data))
        exif = image.getexif()
    except Exception:  # noqa: BLE001 - a photo without readable EXIF is still a photo
        return None, None, None
    taken: dt.datetime | None = None
    raw = exif.get_ifd(0x8769).get(0x9003) or exif.get(0x0132)  # DateTimeOriginal, DateTime
    if raw:
        try:
            taken = dt.datetime.strptime(str(raw).strip("\x00"), "%Y:%m:%d %H:%M:%S").replace(
                tzinfo=timezone.get_current_timezone()
            )
        except ValueError:
            taken = None
    lat = lon = None
    gps = exif.get_ifd(0x8825)
    if gps and 2 in gps and 4 in gps:
        try:

            def deg(v: Any) -> float:
                return float(v[0]) + float(v[1]) / 60 + float(v[2]) / 3600

            lat = deg(gps[2]) * (-1 if gps.get(1) == "S" else 1)
            lon = deg(gps[4]) * (-1 if gps.get(3) == "W" else 1)
        except (TypeError, ValueError, ZeroDivisionError, IndexError):
            lat = lon = None
    return taken, lat, lon


def store_upload(
    *,
    actor: Any,
    uploaded_file: Any,
    kinds: Iterable[str] = ("pdf", "jpeg", "png"),
    max_bytes: int | None = None,
    enterprise_id: int | None = None,
    purpose: str = "",
) -> StoredFile:
    """Check and store one uploaded file. Raises ServiceError (in Chinese) for
    a wrong type or an oversized file; nothing is written in that case."""
    kinds = list(kinds)
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise ServiceError(_("文件过大：最大 %(mb).1f MB。") % {"mb": limit / 1024 / 1024}, code="file_too_large")
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ServiceError(_("文件过大：最大 %(mb).1f MB。") % {"mb": limit / 1024 / 1024}, code="file_too_large")
    if not data:
        raise ServiceError(_("文件为空。"), code="file_empty")
    kind = detect_kind(data[:16], kinds)
    if kind is None:
        allowed = "、".join(KIND_LABELS[k] for k in kinds)
        raise ServiceError(_("文件类型不符：只接受 %(kinds)s 文件。") % {"kinds": allowed}, code="file_type")
    taken_at = lat = lon = None
    if kind in {"jpeg", "png"}:
        taken_at, lat, lon = _exif(data)
    digest = hashlib.sha256(data).hexdigest()
    name = str(getattr(uploaded_file, "name", "") or f"upload.{kind}")[-200:]
    stored = StoredFile(
        original_name=name,
        content_type=KINDS[kind][0],
        size=len(data),
        sha256=digest,
        purpose=purpose,
        enterprise_id=enterprise_id,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        taken_at=taken_at,
        latitude=lat,
        longitude=lon,
        encrypted=True,
    )
    extension = kind if kind != "jpeg" else "jpg"
    stored.file.save(f"{digest[:16]}.{extension}.enc", ContentFile(crypto.encrypt_bytes(data)), save=False)
    stored.save()
    return stored


class TamperedFileError(ServiceError):
    status = 409
    code = "file_tampered"


def open_verified(stored: StoredFile) -> bytes:
    """The file's bytes, after checking they still match the stored hash."""
    with stored.file.open("rb") as fh:
        data = fh.read()
    if stored.encrypted:
        try:
            data = crypto.decrypt_bytes(data)
        except ValueError as exc:  # altered on disk, or the key it was stored under is gone
            raise TamperedFileError(_("文件校验失败：无法解密，可能已被篡改或密钥已更换。")) from exc
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        raise TamperedFileError(_("文件校验失败：内容与上传时的哈希值不一致，可能已被篡改。"))
    return data
