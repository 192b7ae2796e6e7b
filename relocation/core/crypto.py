"""Encryption of personal data at rest (ID numbers, phones, bank accounts, uploaded files).

Fernet (AES-128-CBC + HMAC-SHA256) with keys derived from FIELD_ENCRYPTION_KEYS.
The first key encrypts; every key decrypts, so keys can be rotated. A keyed
digest (HMAC) of the normalised value allows exact-match lookups and
uniqueness checks without storing the plaintext.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings


def _derive(secret: str, purpose: bytes) -> bytes:
    return hashlib.sha256(purpose + secret.encode()).digest()


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(k, b"field-encryption:"))) for k in keys])


def _keys() -> tuple[str, ...]:
    return tuple(settings.FIELD_ENCRYPTION_KEYS)


def encrypt(plaintext: str) -> str:
    return _fernet(_keys()).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(_keys()).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt field: wrong FIELD_ENCRYPTION_KEYS?") from exc


# Uploaded files (ledgers with phones, ID cards, contracts): AES-256-GCM, which adds 28 bytes
# instead of Fernet's base64 third, under a key derived from the same FIELD_ENCRYPTION_KEYS for
# another purpose. The first key encrypts; decryption tries each, so rotation works as for fields.
FILE_MAGIC = b"RHQ-FILE-AESGCM1"


def _file_keys() -> list[AESGCM]:
    return [AESGCM(_derive(k, b"file-encryption:")) for k in _keys()]


def encrypt_bytes(data: bytes) -> bytes:
    nonce = os.urandom(12)
    return FILE_MAGIC + nonce + _file_keys()[0].encrypt(nonce, data, FILE_MAGIC)


def is_encrypted_bytes(blob: bytes) -> bool:
    return blob.startswith(FILE_MAGIC)


def decrypt_bytes(blob: bytes) -> bytes:
    if not is_encrypted_bytes(blob):
        raise ValueError("not an encrypted file")
    nonce, body = blob[len(FILE_MAGIC) : len(FILE_MAGIC) + 12], blob[len(FILE_MAGIC) + 12 :]
    for key in _file_keys():
        try:
            return key.decrypt(nonce, body, FILE_MAGIC)
        except InvalidTag:
            continue
    raise ValueError("cannot decrypt file: wrong FIELD_ENCRYPTION_KEYS?")


def index_key() -> str:
    """The key of the lookup digests: FIELD_INDEX_KEY, else the oldest encryption key
    (the last one), so that rotating by prepending a new key leaves every lookup
    as it was. Changing it takes `manage.py reindex_lookups`."""
    return settings.FIELD_INDEX_KEY or _keys()[-1]


def blind_index(value: str) -> str:
    """A keyed digest for equality lookups on encrypted values."""
    key = _derive(index_key(), b"blind-index:")
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


# (app_label.Model, index field, encrypted source field): what `reindex_lookups` recomputes.
# Apps register their lookup digests in ready(); the core names none of them.
_indexes: list[tuple[str, str, str]] = []


def register_index(model: str, index_field: str, source_field: str) -> None:
    if (model, index_field, source_field) not in _indexes:
        _indexes.append((model, index_field, source_field))


def registered_indexes() -> list[tuple[str, str, str]]:
    return list(_indexes)
