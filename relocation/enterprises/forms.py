from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from relocation.enterprises.models import Category, Enterprise, Process, Visit


class EnterpriseForm(forms.ModelForm):
    processes = forms.MultipleChoiceField(
        label=_("主要工艺"), choices=Process.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    # The version the user loaded; the save is refused if the row moved on.
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "legal_representative",
            "contact_person",
            "contact_phone",
            "address",
            "territorial_unit",
            "industry",
            "processes",
            "capital_background",
            "is_key_polluter",
            "workers_count",
            "floor_area_m2",
            "wastewater_t_per_day",
            "discharge_permit_no",
            "permit_expires_on",
            "property_owner_type",
            "lease_ends_on",
            "production_status",
            "latitude",
            "longitude",
            "notes",
        ]
        widgets = {
            "permit_expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "lease_ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "contact_phone": forms.TextInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.fields["territorial_unit"].queryset = self.instance.programme.units.filter(is_territorial=True)
            self.initial.setdefault("version", self.instance.version)
        for name, field in self.fields.items():
            if name != "processes" and not isinstance(field.widget, (forms.CheckboxInput, forms.HiddenInput)):
                field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def _post_clean(self):
        # Validation of the model happens in the service, which owns the rules.
        pass


class EnterpriseCreateForm(EnterpriseForm):
    """The HQ "新增企业" page: the same fields, no version (nothing to conflict with)."""

    def __init__(self, *args, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]
        if programme is not None:
            self.fields["territorial_unit"].queryset = programme.units.filter(is_territorial=True)


class CategoryConfirmForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("分类"), queryset=Category.objects.filter(is_active=True), to_field_name="code"
    )
    reason = forms.CharField(label=_("理由"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["reason"].widget.attrs["class"] = "form-control form-control-sm"


class CategoryForm(forms.ModelForm):
    """HQ maintains the categories and their rules (JSON, see categories.py)."""

    rule = forms.JSONField(
        label=_("建议规则"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control form-control-sm font-monospace"}),
    )

    class Meta:
        model = Category
        fields = ["code", "name", "order", "rule", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
        for name, field in self.fields.items():
            if name not in {"is_active", "rule"}:
                field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def _post_clean(self):
        pass


class LedgerUploadForm(forms.Form):
    file = forms.FileField(label=_("台账文件（.xlsx）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".xlsx"})


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = ["visited_on", "visitors", "production_status_seen", "intention", "demands", "notes"]
        widgets = {
            "visited_on": forms.DateInput(attrs={"type": "date"}),
            "demands": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")

    def _post_clean(self):
        pass
