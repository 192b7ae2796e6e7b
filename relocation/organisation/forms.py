from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relocation.core.roles import Role
from relocation.organisation.models import Body, Person, Position, Unit


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates can render fields as they come."""

    def style_fields(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class LiaisonForm(BootstrapMixin, forms.Form):
    person = forms.ModelChoiceField(label=_("新联络员"), queryset=Person.objects.none())
    starts_on = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = unit.people.all()
        self.style_fields()


class PersonForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "title", "phone", "email"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class AccountForm(BootstrapMixin, forms.Form):
    """Role, unit and contact details of an account (create and edit)."""

    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    unit = forms.ModelChoiceField(label=_("所属单位"), queryset=Unit.objects.none(), required=False)
    display_name = forms.CharField(label=_("姓名"), max_length=64, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    phone = forms.RegexField(
        label=_("手机号码"),
        regex=r"^1\d{10}$",
        required=False,
        error_messages={"invalid": _("请输入 11 位手机号码。")},
    )

    def __init__(self, *args: Any, programme: Any, current_unit: Any = None, **kwargs: Any) -> None:
        """The unit picker lists the units of the programme the admin works in
        (the header switcher), and the account's present unit when editing."""
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(programme=programme)
        if current_unit is not None:
            units = units | Unit.objects.filter(pk=current_unit.pk)
        self.fields["unit"].queryset = units.select_related("programme").order_by("programme", "order")
        self.style_fields()


class AccountCreateForm(AccountForm):
    username = forms.RegexField(
        label=_("用户名"),
        regex=r"^[\w.@+-]{2,150}$",
        error_messages={"invalid": _("用户名只能包含字母、数字和 @ . + - _。")},
    )
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput(render_value=False), strip=False)

    field_order = ["username", "password", "role", "unit", "display_name", "email", "phone"]


class PasswordResetForm(BootstrapMixin, forms.Form):
    new_password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput, strip=False)
    confirm = forms.CharField(label=_("再次输入新密码"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("confirm"):
            self.add_error("confirm", _("两次输入的密码不一致。"))
        return data


class MembershipForm(BootstrapMixin, forms.Form):
    body = forms.ChoiceField(label=_("机构"), choices=Body.choices)
    position = forms.ChoiceField(label=_("职位"), choices=Position.choices)
    person = forms.ModelChoiceField(label=_("人员"), queryset=Person.objects.none())

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda p: f"{p.name}（{p.unit}）"
        self.style_fields()


class PasswordChangeForm(BootstrapMixin, forms.Form):
    old_password = forms.CharField(label=_("原密码"), widget=forms.PasswordInput, strip=False)
    new_password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput, strip=False)
    confirm = forms.CharField(label=_("再次输入新密码"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("confirm"):
            self.add_error("confirm", _("两次输入的密码不一致。"))
        return data
