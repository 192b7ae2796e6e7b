from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    # One message for an unknown user and a wrong password: the form must not
    # tell an attacker which accounts exist.
    error_messages = {
        "invalid_login": _("用户名或密码错误。"),
        "inactive": _("用户名或密码错误。"),
    }


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("动态验证码"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("请输入 6 位数字验证码。")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
