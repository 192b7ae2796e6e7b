from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from relocation.core import login_challenge


class LoginForm(AuthenticationForm):
    # One message for an unknown user and a wrong password: the form must not
    # tell an attacker which accounts exist.
    error_messages = {
        "invalid_login": _("用户名或密码错误。"),
        "inactive": _("用户名或密码错误。"),
        "challenge": _("请先正确回答验证问题。"),
    }
    challenge = forms.CharField(label=_("验证问题"), required=False, max_length=8)

    @property
    def challenge_required(self) -> bool:
        return login_challenge.required_for(str(self.data.get("username", "")).strip())

    def clean(self) -> dict[str, object]:
        # Before the password is looked at: a wrong answer costs the guesser a new question.
        if self.challenge_required and not login_challenge.answer_is_right(
            self.request, str(self.data.get("challenge", ""))
        ):
            raise forms.ValidationError(self.error_messages["challenge"], code="challenge")
        return super().clean()


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("动态验证码"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("请输入 6 位数字验证码。")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class AuditFilterForm(forms.Form):
    """Filters of the auditors' page; every field optional."""

    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.CharField(label=_("操作"), required=False, max_length=64)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=64)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    enterprise = forms.IntegerField(label=_("企业编号"), required=False, min_value=1)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def filters(self) -> dict[str, object]:
        """The selector's keyword arguments (empty when the form is invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "actor": data["actor"].strip(),
            "action": data["action"].strip(),
            "object_type": data["object_type"].strip(),
            "date_from": data["date_from"],
            "date_to": data["date_to"],
            "enterprise_id": data["enterprise"],
        }
