"""Model fields shared by every app."""

from __future__ import annotations

from typing import Any

from django.db import models

from relocation.core import crypto


class EncryptedTextField(models.TextField):
    """Stores personal data encrypted; Python code sees the plaintext.

    Encrypted values cannot be filtered or sorted by the database; pair the
    field with a blind index where exact lookups are needed.
    """

    # Marks the field for masking in audit records and exports.
    personal_data = True

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))
