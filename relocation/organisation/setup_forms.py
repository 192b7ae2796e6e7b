"""Forms of the programme set-up pages (system admin)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relocation.core.roles import Role
from relocation.organisation.forms import BootstrapMixin
from relocation.organisation.models import Unit


class ProgrammeFileForm(BootstrapMixin, forms.Form):
    """The programme file, uploaded or pasted (an upload wins when both are given)."""

    file = forms.FileField(label=_("上传配置文件（JSON）"), required=False)
    text = forms.CharField(
        label=_("或粘贴文件内容"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "form-control font-monospace"}),
    )

    # A programme file is a few dozen kilobytes; anything far larger is a wrong file.
    MAX_BYTES = 2 * 1024 * 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("文件过大（最大 2 MB）。"))
        return upload

    def raw(self) -> bytes | str:
        upload = self.cleaned_data.get("file")
        return upload.read() if upload is not None else self.cleaned_data.get("text", "")


class HqAccountForm(BootstrapMixin, forms.Form):
    """One of the programme's first HQ accounts. It is created inactive and takes
    effect when the security admin approves it (approvals.py, 三员分立)."""

    username = forms.RegexField(
        label=_("用户名"),
        regex=r"^[\w.@+-]{2,150}$",
        error_messages={"invalid": _("用户名只能包含字母、数字和 @ . + - _。")},
    )
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput(render_value=False), strip=False)
    role = forms.ChoiceField(
        label=_("角色"),
        choices=[(r.value, r.label) for r in (Role.HQ_COMMANDER, Role.HQ_STAFF)],
        initial=Role.HQ_STAFF,
    )
    unit = forms.ModelChoiceField(label=_("所属单位"), queryset=Unit.objects.none())
    display_name = forms.CharField(label=_("姓名"), max_length=64, required=False)

    def __init__(self, *args: Any, programme: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(programme=programme).order_by("order", "code")
        self.fields["unit"].queryset = units
        hq = units.filter(kind=Unit.Kind.HEADQUARTERS).first()
        if hq is not None:
            self.fields["unit"].initial = hq.pk
        self.style_fields()
