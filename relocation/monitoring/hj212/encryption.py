"""SM4 encryption of the CP region (HJ 212-2025 §6.4, Annex A.2).

What the public implementations agree on (see docs/decisions/hj212-2025.md):
a 16-byte key, ECB mode, no padding: the whole 16-byte blocks of the region
between ``CP=&&`` and the closing ``&&`` are encrypted and written as
``{0xE4,0x3E,…}``; a tail shorter than a block stays plain text after the
closing brace. The CRC is computed over the *plain* data segment, so a receiver
decrypts first and checks the CRC afterwards.

``cryptography`` provides the block cipher; this module only does the framing
around it, so the tests can check it against the published Annex A.2 ciphertext.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 16
KEY_LENGTH = 16
_HEX_DIGITS = "0123456789ABCDEFabcdef"


class EncryptionError(ValueError):
    pass


def looks_encrypted(region: str) -> bool:
    return region.startswith("{0x")


def _cipher(key: bytes) -> Cipher:
    if len(key) != KEY_LENGTH:
        raise EncryptionError("SM4 key must be 16 bytes")
    return Cipher(algorithms.SM4(key), modes.ECB())  # noqa: S305 - the mode HJ 212-2025 prescribes


def encrypt_region(region: str, key: bytes) -> str:
    """Plain CP region -> ``{0x..,…}`` + the plain tail shorter than a block."""
    data = region.encode("ascii")
    whole = len(data) - len(data) % BLOCK
    if not whole:
        return region
    encryptor = _cipher(key).encryptor()
    blocks = encryptor.update(data[:whole]) + encryptor.finalize()
    return "{" + ",".join(f"0x{b:02X}" for b in blocks) + "}" + data[whole:].decode("ascii")


def decrypt_region(text: str, key: bytes) -> str:
    """``{0x..,…}tail`` -> the plain CP region. Raises EncryptionError on any
    malformed byte list, a length that is not whole blocks, or non-ASCII plain text."""
    end = text.find("}")
    if not text.startswith("{") or end < 0:
        raise EncryptionError("malformed cipher text")
    items = text[1:end].split(",")
    data = bytearray()
    for item in items:
        if len(item) != 4 or item[:2] not in ("0x", "0X") or item[2:].strip(_HEX_DIGITS):
            raise EncryptionError("malformed cipher text")
        data.append(int(item[2:], 16))
    if not data or len(data) % BLOCK:
        raise EncryptionError("cipher text is not whole blocks")
    decryptor = _cipher(key).decryptor()
    plain = decryptor.update(bytes(data)) + decryptor.finalize()
    try:
        return plain.decode("ascii") + text[end + 1 :]
    except UnicodeDecodeError:
        raise EncryptionError("wrong key or corrupted cipher text")


def needs_encryption(cn: str) -> bool:
    """Commands whose CP the standard has encrypted when a key is configured:
    the data uploads 2000–2999, 1014 (new key) and 3020 (field machine information)."""
    return (len(cn) == 4 and cn[0] == "2") or cn in {"1014", "3020"}
