"""Password rule: at least three of the four character classes."""

from __future__ import annotations

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(c in string.punctuation or c.isspace() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。") % {"n": self.min_classes},
                code="password_character_classes",
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。") % {"n": self.min_classes}
